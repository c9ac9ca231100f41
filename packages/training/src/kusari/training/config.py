"""Build a Trainer from a TOML config: the engine behind ``kusari train CONFIG.toml``.

Every name in a config resolves through the plugin registries
(``kusari.plugins.get_registry``): ``dataset.name`` in ``'dataset_loaders'``,
``optimizer.name`` in ``'optimizers'``, ``updater.name`` in ``'updaters'``,
``extensions[i].name`` in ``'extensions'`` and trigger tables' ``name`` in
``'triggers'``.  Two kinds of names are fixed lists instead, documented in
:data:`CONFIG_FORMAT`: iterator kinds (``serial``, ``multithread``,
``multiprocess``: the iterators of kusari-datasets, which are not a
registry kind) and optimizer hooks (the classes of ``kusari.optimizer_hooks``).

A mistake raises :class:`ConfigError` naming the key path (``extensions[2].name``)
and, for names, the known choices.

Example:
    >>> from kusari.training.config import ConfigError, check_name
    >>> try:
    ...     check_name('extensions[2].name', 'LogReprot', ['LogReport', 'PrintReport'], 'extension')
    ... except ConfigError as error:
    ...     print(error)
    config key 'extensions[2].name': unknown extension 'LogReprot'; known: LogReport, PrintReport
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import random
import re
import sys
import tomllib

import numpy

__all__ = ["CONFIG_FORMAT", "ConfigError", "apply_override", "build_trainer", "check_name", "import_object",
           "load_config"]

CONFIG_FORMAT = """\
config format (TOML):

  seed = 0                       # optional: seeds Python's and NumPy's generators
  out = "result/mlp_digits"      # output folder (default "result"), relative to the cwd
  device = "@numpy"              # optional: a device specifier ("@cupy:0", -1, ...)
  resume = "auto"                # optional: a snapshot file to load before training,
                                 # or "auto": every `snapshot` extension autoloads
  stop_trigger = [20, "epoch"]   # required: [N, "epoch"|"iteration"] or a trigger table

  [model]                        # required
  path = "mlp.py:make_model"     # "package.module:attr" or "file.py:attr" (relative to
                                 # this config file); called with args, returns a Link
  args = { n_units = 128 }       # an argument that is a table with a "path" is built the
                                 # same way first:  path = "kusari.links:Classifier"
                                 # args.predictor = { path = "mlp.py:MLP", args = {...} }

  [dataset]                      # required: a registered dataset loader (`kusari plugins`)
  name = "digits"                # returns (train, test) or (train, validation, test)
  args = {}

  [iterator]                     # required
  batch_size = 64
  kind = "serial"                # serial | multithread | multiprocess
  shuffle = true                 # the training iterator only
  args = {}                      # more keyword arguments (n_processes, n_threads, ...)
  test = { batch_size = 500 }    # optional per-split overrides for evaluation iterators
                                 # (they never repeat and never shuffle)

  [optimizer]                    # required: a registered optimizer
  name = "adam"
  args = { alpha = 0.001 }
  hooks = [ { name = "WeightDecay", args = { rate = 1e-4 } } ]  # kusari.optimizer_hooks

  [updater]                      # optional: a registered updater, default "standard";
  name = "standard"              # it gets the training iterator, the optimizer and device
  args = {}

  [[extensions]]                 # any number, run in priority order
  name = "Evaluator"             # a registered extension (class or factory)
  args = {}                      # keyword arguments, may hold references (below)
  trigger = [1, "epoch"]         # optional: [N, unit] or a trigger table
  priority = 300                 # optional
  as = "validation"              # optional: the name in the trainer
  call_before_training = false   # optional

triggers: [N, "epoch"] / [N, "iteration"], or a table naming a registered trigger:
  trigger = { name = "min_value", args = { key = "validation/main/loss" } }

references: a string value in updater.args or extensions[i].args that starts with
"$" names an object built at run time ("$$" starts a literal "$"; "@" is left
alone because device specifiers use it):
  "$model"            the model            "$optimizer"  the optimizer
  "$iterator:NAME"    the iterator of split NAME (train, test, validation)
  "$device"           the config's device
Defaults: Evaluator gets iterator="$iterator:test", target="$model" and
device="$device"; snapshot_object gets target="$model".

example (examples/train_mlp_digits.toml):

  seed = 0
  out = "result/mlp_digits"
  stop_trigger = [20, "epoch"]

  [model]
  path = "mlp.py:make_model"
  args = { n_units = 256, n_out = 10 }

  [dataset]
  name = "digits"

  [iterator]
  batch_size = 32
  test = { batch_size = 300 }

  [optimizer]
  name = "adam"

  [[extensions]]
  name = "Evaluator"

  [[extensions]]
  name = "LogReport"

  [[extensions]]
  name = "PrintReport"
  args.entries = ["epoch", "main/loss", "validation/main/loss",
                  "main/accuracy", "validation/main/accuracy", "elapsed_time"]

  [[extensions]]
  name = "snapshot"
  trigger = [10, "epoch"]
"""

_TOP_KEYS = ("seed", "out", "device", "resume", "stop_trigger", "model", "dataset", "iterator",
             "optimizer", "updater", "extensions")
_ITERATOR_KINDS = ("serial", "multithread", "multiprocess")
_SPLIT_NAMES = {2: ("train", "test"), 3: ("train", "validation", "test")}
_RUNTIME_DEFAULTS = {
    "Evaluator": {"iterator": "$iterator:test", "target": "$model", "device": "$device"},
    "snapshot_object": {"target": "$model"},
}


class ConfigError(ValueError):
    """A bad config: ``key`` is the path of the offending key (``'extensions[2].name'``).

    Example:
        >>> str(ConfigError('optimizer.name', "unknown optimizer 'adma'"))
        "config key 'optimizer.name': unknown optimizer 'adma'"
    """

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config key '{key}': {message}" if key else message)


def check_name(key: str, name, choices, what: str) -> str:
    """Return ``name`` if it is one of ``choices``, else raise ConfigError listing them.

    Example:
        >>> check_name('iterator.kind', 'serial', ['serial', 'multithread'], 'iterator kind')
        'serial'
    """
    choices = sorted(choices)
    if not isinstance(name, str) or name not in choices:
        shown = repr(name) if isinstance(name, str) else f"{type(name).__name__} {name!r}"
        raise ConfigError(key, f"unknown {what} {shown}; known: {', '.join(choices) or 'none'}")
    return name


def load_config(path, overrides=()) -> dict:
    """Read a TOML config file and apply ``--set`` style ``key=value`` overrides.

    The returned dict remembers the file's folder under ``'_base_dir'`` (model
    file paths are relative to it).

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / 'c.toml'
        >>> _ = p.write_text('stop_trigger = [1, "epoch"]')
        >>> load_config(p, ['stop_trigger=[3, "epoch"]'])['stop_trigger']
        [3, 'epoch']
    """
    try:
        with open(path, "rb") as file:
            config = tomllib.load(file)
    except OSError as error:
        raise ConfigError("", f"cannot read config file {str(path)!r}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("", f"{str(path)!r} is not valid TOML: {error}") from None
    for assignment in overrides:
        apply_override(config, assignment)
    config["_base_dir"] = os.path.dirname(os.path.abspath(path))
    return config


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_KEY_PATH = re.compile(r"[A-Za-z_][\w-]*(\[\d+\])*(\.[A-Za-z_][\w-]*(\[\d+\])*)*")


def apply_override(config: dict, assignment: str) -> None:
    """Set ``key.path[i].leaf=value`` in ``config``; the value is parsed as TOML, else a string.

    Example:
        >>> c = {'extensions': [{'name': 'LogReport'}]}
        >>> apply_override(c, 'extensions[0].trigger=[2, "epoch"]'); apply_override(c, 'out=res')
        >>> c
        {'extensions': [{'name': 'LogReport', 'trigger': [2, 'epoch']}], 'out': 'res'}
    """
    key, sep, text = assignment.partition("=")
    key = key.strip()
    if not sep or not _KEY_PATH.fullmatch(key):
        raise ConfigError(key, f"--set expects KEY=VALUE with KEY like a.b[0].c, got {assignment!r}")
    parts = [(m.group(1), m.group(2)) for m in _PATH_PART.finditer(key)]
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text  # a bare word: a string
    node, path = config, ""
    for i, (name, index) in enumerate(parts):
        last = i == len(parts) - 1
        if name is not None:
            path = f"{path}.{name}" if path else name
            if not isinstance(node, dict):
                raise ConfigError(path, f"--set cannot go into a {type(node).__name__}")
            if last:
                node[name] = value
            else:
                node = node.setdefault(name, [] if parts[i + 1][1] is not None else {})
        else:
            path = f"{path}[{index}]"
            if not isinstance(node, list) or int(index) >= len(node):
                size = len(node) if isinstance(node, list) else "no"
                raise ConfigError(path, f"--set: no such item ({size} items)")
            if last:
                node[int(index)] = value
            else:
                node = node[int(index)]


def build_trainer(config, *, base_dir=None):
    """Build the :class:`~kusari.training.Trainer` a config (dict or TOML path) describes.

    See :data:`CONFIG_FORMAT` for the keys.  Raises :class:`ConfigError` for a
    bad config.  A dict's model file paths are relative to ``base_dir``
    (default: the current folder).

    Example:
        >>> from kusari.training.config import build_trainer
        >>> trainer = build_trainer({
        ...     'seed': 0, 'stop_trigger': [2, 'iteration'], 'out': 'result',
        ...     'model': {'path': 'kusari.links:Classifier', 'args': {'predictor': {
        ...         'path': 'kusari.links:Linear', 'args': {'in_size': 64, 'out_size': 10}}}},
        ...     'dataset': {'name': 'digits'}, 'iterator': {'batch_size': 8},
        ...     'optimizer': {'name': 'sgd', 'args': {'lr': 0.1}}})
        >>> trainer.run(); trainer.updater.iteration, trainer.updater.get_iterator('main').batch_size
        (2, 8)
    """
    if not isinstance(config, dict):
        config = load_config(config)
    return _Builder(config, base_dir).build()


def _table(value, key: str, required=True, allowed=()) -> dict:
    """``value`` checked to be a table whose keys are all in ``allowed``."""
    if value is None:
        if required:
            raise ConfigError(key, "is required")
        return {}
    if not isinstance(value, dict):
        raise ConfigError(key, f"expected a table, got {type(value).__name__} {value!r}")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ConfigError(f"{key}.{unknown[0]}", f"unknown key; known: {', '.join(allowed)}")
    return value


def _args(table: dict, key: str) -> dict:
    args = table.get("args", {})
    if not isinstance(args, dict):
        raise ConfigError(f"{key}.args", f"expected a table, got {type(args).__name__} {args!r}")
    return dict(args)


def _call(key: str, what: str, factory, *args, **kwargs):
    """Call a constructor from the config; a wrong argument becomes a ConfigError at ``key``."""
    try:
        return factory(*args, **kwargs)
    except (TypeError, ValueError) as error:
        raise ConfigError(key, f"{what}: {error}") from None


def import_object(spec: str, base_dir: str, key: str = "model.path"):
    """The object ``"package.module:attr"`` or ``"path/to/file.py:attr"`` names.

    Example:
        >>> import_object('kusari.links:Linear', '.').__name__
        'Linear'
    """
    if not isinstance(spec, str) or spec.count(":") != 1:
        raise ConfigError(key, f"expected 'package.module:attr' or 'file.py:attr', got {spec!r}")
    where, attr = spec.split(":")
    if where.endswith(".py") or "/" in where or os.sep in where:
        path = os.path.join(base_dir, where)
        if not os.path.isfile(path):
            raise ConfigError(key, f"no file {path!r}")
        name = "_kusari_config_" + re.sub(r"\W", "_", os.path.abspath(path))
        module_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module  # so classes defined there pickle (snapshots, workers)
        module_spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(where)
        except ImportError as error:
            raise ConfigError(key, f"cannot import {where!r}: {error}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConfigError(key, f"{where!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    return obj


class _Builder:
    """Builds the objects of one config in dependency order."""

    def __init__(self, config: dict, base_dir):
        self.config = config
        self.base_dir = base_dir or config.get("_base_dir") or os.getcwd()
        unknown = sorted(set(config) - set(_TOP_KEYS) - {"_base_dir"})
        if unknown:
            raise ConfigError(unknown[0], f"unknown key; known: {', '.join(_TOP_KEYS)}")
        self.iterators: dict = {}

    def build(self):
        from kusari import backend
        from kusari.training import Trainer

        seed = self.config.get("seed")
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int):
                raise ConfigError("seed", f"expected an int, got {seed!r}")
            random.seed(seed)
            numpy.random.seed(seed)  # initializers and shuffling draw from NumPy's global generator
        self.device = None
        if "device" in self.config:
            self.device = _call("device", "bad device", backend.get_device, self.config["device"])
        self.model = self._model()
        if self.device is not None:
            self.model.to_device(self.device)
        self.splits = self._dataset()
        self.optimizer = self._optimizer()
        updater = self._updater()
        out = self.config.get("out", "result")
        if not isinstance(out, str):
            raise ConfigError("out", f"expected a folder path string, got {out!r}")
        if "stop_trigger" not in self.config:
            raise ConfigError("stop_trigger", 'is required, e.g. stop_trigger = [20, "epoch"]')
        stop = self._trigger(self.config["stop_trigger"], "stop_trigger")
        trainer = Trainer(updater, stop, out=out)
        self._extensions(trainer)
        self._resume(trainer)
        return trainer

    def _model(self):
        from kusari.link import Link

        model = self._object(self.config.get("model"), "model")
        if not isinstance(model, Link):
            raise ConfigError("model.path", f"expected a callable returning a kusari Link, "
                                            f"got {type(model).__name__}")
        return model

    def _object(self, table, key: str):
        """Call ``table.path`` with ``table.args``; an argument that is itself a table with a
        ``path`` is built the same way first (a Classifier around a predictor)."""
        table = _table(table, key, allowed=("path", "args"))
        factory = import_object(table.get("path"), self.base_dir, f"{key}.path")
        args = _args(table, key)
        for name, value in args.items():
            if isinstance(value, dict) and "path" in value:
                args[name] = self._object(value, f"{key}.args.{name}")
        return _call(f"{key}.args", table["path"], factory, **args)

    def _dataset(self) -> dict:
        from kusari import plugins

        table = _table(self.config.get("dataset"), "dataset", allowed=("name", "args"))
        registry = plugins.get_registry("dataset_loaders")
        name = check_name("dataset.name", table.get("name"), registry.names(), "dataset loader")
        result = _call("dataset.args", name, registry.get(name), **_args(table, "dataset"))
        if not isinstance(result, (tuple, list)) or len(result) not in _SPLIT_NAMES:
            raise ConfigError("dataset.name", f"loader {name!r} returned {type(result).__name__}, "
                                              "expected (train, test) or (train, validation, test)")
        return dict(zip(_SPLIT_NAMES[len(result)], result))

    def _iterator(self, split: str, key: str):
        if split in self.iterators:
            return self.iterators[split]
        if split not in self.splits:
            raise ConfigError(key, f"no dataset split {split!r}; splits: {', '.join(self.splits)}")
        from kusari import iterators

        table = _table(self.config.get("iterator"), "iterator",
                       allowed=("batch_size", "kind", "shuffle", "args", *self.splits))
        settings = dict(table)
        if split != "train":
            override = settings.get(split, {})
            if not isinstance(override, dict):
                raise ConfigError(f"iterator.{split}", f"expected a table, got {override!r}")
            settings.update(override)
            settings.update(repeat=False, shuffle=False)
        where = "iterator" if split == "train" or "kind" not in settings.get(split, {}) else \
            f"iterator.{split}"
        kind = check_name(f"{where}.kind", settings.get("kind", "serial"), _ITERATOR_KINDS,
                          "iterator kind")
        cls = {"serial": iterators.SerialIterator, "multithread": iterators.MultithreadIterator,
               "multiprocess": iterators.MultiprocessIterator}[kind]
        batch_size = settings.get("batch_size")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError("iterator.batch_size", f"expected a positive int, got {batch_size!r}")
        kwargs = _args(settings, "iterator")
        kwargs.update(shuffle=settings.get("shuffle", True), repeat=settings.get("repeat", True))
        iterator = _call(f"{where}.args", cls.__name__, cls, self.splits[split], batch_size,
                         **kwargs)
        self.iterators[split] = iterator
        return iterator

    def _optimizer(self):
        from kusari import optimizer_hooks, plugins

        table = _table(self.config.get("optimizer"), "optimizer", allowed=("name", "args", "hooks"))
        registry = plugins.get_registry("optimizers")
        name = check_name("optimizer.name", table.get("name"), registry.names(), "optimizer")
        optimizer = _call("optimizer.args", name, registry.get(name), **_args(table, "optimizer"))
        optimizer.setup(self.model)
        hooks = table.get("hooks", [])
        if not isinstance(hooks, list):
            raise ConfigError("optimizer.hooks", f"expected an array of tables, got {hooks!r}")
        hook_names = [n for n in optimizer_hooks.__all__ if isinstance(getattr(optimizer_hooks, n), type)]
        for i, hook in enumerate(hooks):
            key = f"optimizer.hooks[{i}]"
            hook = _table(hook, key, allowed=("name", "args"))
            hook_name = check_name(f"{key}.name", hook.get("name"), hook_names, "optimizer hook")
            optimizer.add_hook(_call(f"{key}.args", hook_name, getattr(optimizer_hooks, hook_name),
                                     **_args(hook, key)))
        return optimizer

    def _updater(self):
        from kusari import plugins

        table = _table(self.config.get("updater"), "updater", required=False, allowed=("name", "args"))
        registry = plugins.get_registry("updaters")
        name = check_name("updater.name", table.get("name", "standard"), registry.names(), "updater")
        kwargs = self._resolve(_args(table, "updater"), "updater.args")
        if self.device is not None:
            kwargs.setdefault("device", self.device)
        return _call("updater.args", name, registry.get(name), self._iterator("train", "iterator"),
                     self.optimizer, **kwargs)

    def _trigger(self, spec, key: str):
        from kusari import plugins

        if isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], int) \
                and spec[1] in ("epoch", "iteration"):
            return tuple(spec)
        if not isinstance(spec, dict):
            raise ConfigError(key, f'expected [N, "epoch"|"iteration"] or a trigger table, got {spec!r}')
        table = _table(spec, key, allowed=("name", "args"))
        registry = plugins.get_registry("triggers")
        name = check_name(f"{key}.name", table.get("name"), registry.names(), "trigger")
        kwargs = {k: tuple(v) if isinstance(v, list) and k == "trigger" else v
                  for k, v in _args(table, key).items()}
        return _call(f"{key}.args", name, registry.get(name), **kwargs)

    def _extensions(self, trainer) -> None:
        from kusari import plugins

        specs = self.config.get("extensions", [])
        if not isinstance(specs, list):
            raise ConfigError("extensions", f"expected an array of tables ([[extensions]]), got {specs!r}")
        registry = plugins.get_registry("extensions")
        for i, spec in enumerate(specs):
            key = f"extensions[{i}]"
            spec = _table(spec, key, allowed=("name", "args", "trigger", "priority", "as",
                                              "call_before_training"))
            name = check_name(f"{key}.name", spec.get("name"), registry.names(), "extension")
            args = {**_RUNTIME_DEFAULTS.get(name, {}), **_args(spec, key)}
            if name == "snapshot" and self.config.get("resume") == "auto":
                args.setdefault("autoload", True)
            kwargs = self._resolve(args, f"{key}.args")
            extension = _call(f"{key}.args", name, registry.get(name), **kwargs)
            trigger = spec.get("trigger")
            if trigger is not None:
                trigger = self._trigger(trigger, f"{key}.trigger")
            _call(key, name, trainer.extend, extension, name=spec.get("as"), trigger=trigger,
                  priority=spec.get("priority"),
                  call_before_training=spec.get("call_before_training", False))

    def _resolve(self, args: dict, key: str) -> dict:
        return {name: self._reference(value, f"{key}.{name}") for name, value in args.items()}

    def _reference(self, value, key: str):
        if not isinstance(value, str) or not value.startswith("$"):
            return value
        if value.startswith("$$"):
            return value[1:]
        if value == "$model":
            return self.model
        if value == "$optimizer":
            return self.optimizer
        if value == "$device":
            return self.device
        if value.startswith("$iterator:"):
            return self._iterator(value.partition(":")[2], key)
        raise ConfigError(key, f"unknown reference {value!r}; known: $device, $iterator:NAME, "
                               "$model, $optimizer")

    def _resume(self, trainer) -> None:
        resume = self.config.get("resume")
        if resume is None or resume == "auto":
            if resume == "auto" and not any(s.get("name") == "snapshot"
                                            for s in self.config.get("extensions", [])):
                raise ConfigError("resume", '"auto" needs a `snapshot` extension to autoload from')
            return
        if not isinstance(resume, str) or not os.path.isfile(resume):
            raise ConfigError("resume", f'expected "auto" or an existing snapshot file, got {resume!r}')
        from kusari import serializers

        serializers.load_npz(resume, trainer)
