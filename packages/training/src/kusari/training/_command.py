"""``kusari train CONFIG.toml``: build a Trainer from a TOML config and run it.

kusari-training's plugin adds the command through the ``kusari_add_commands``
hook (kusari-training's ``_plugin`` calls :func:`add_train_command` below).  The config format is
:data:`kusari.training.config.CONFIG_FORMAT`, also shown by ``kusari train --help``.
A bad config prints one line naming the key and the known choices and exits
with status 2; after training one summary line gives the final validation
accuracy and the output folder.

Example:
    >>> import argparse
    >>> from kusari.training import _command
    >>> parser = argparse.ArgumentParser(prog='kusari')
    >>> _command.add_train_command(parser.add_subparsers())
    >>> args = parser.parse_args(['train', 'c.toml', '--set', 'out=res'])
    >>> args.config, args.set
    ('c.toml', ['out=res'])
"""
from __future__ import annotations

import argparse
import sys

#: The observation keys the summary line looks for, best first.
_ACCURACY_KEYS = ("validation/main/accuracy", "main/accuracy")


def add_train_command(subparsers) -> None:
    """Add the ``train`` sub-command to the ``kusari`` command line.

    Example:
        >>> import argparse
        >>> parser = argparse.ArgumentParser()
        >>> add_train_command(parser.add_subparsers())
        >>> 'CONFIG.toml' in parser.format_help() or 'train' in parser.format_help()
        True
    """
    from kusari.training.config import CONFIG_FORMAT

    parser = subparsers.add_parser(
        "train",
        help="train a model described by a TOML config",
        description=("Build a Trainer from CONFIG.toml (model, dataset, iterators, optimizer, "
                     "updater, extensions, triggers) and run it. Every name is looked up in "
                     "the plugin registries (see `kusari plugins`). A bad config exits with "
                     "status 2 and a message naming the key."),
        epilog=CONFIG_FORMAT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", metavar="CONFIG.toml", help="the training config")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help='override a config value (TOML syntax, bare words are strings), '
                             'e.g. --set stop_trigger=[2,"epoch"] --set extensions[0].priority=1; '
                             'repeatable')
    parser.add_argument("--mpi", action="store_true",
                        help="data-parallel training under `mpiexec -n N kusari train --mpi CONFIG.toml` "
                             "(needs kusari-distributed; the config may add a [distributed] table: "
                             "communicator = \"naive\"|\"flat\"|\"pure_nccl\", scatter_test = true)")
    parser.set_defaults(func=run_train)


def run_train(args) -> int:
    """Run ``kusari train`` for parsed ``args``; the exit status (2 for a bad config).

    Example:
        >>> import argparse
        >>> run_train(argparse.Namespace(config='missing.toml', set=[]))
        2
    """
    if getattr(args, "mpi", False):
        try:
            from kusari.distributed._train_mpi import run_train_mpi
        except ImportError:
            print("kusari train --mpi: needs kusari-distributed: pip install 'kusari-distributed[mpich]'",
                  file=sys.stderr)
            return 2
        return run_train_mpi(args)
    from kusari.training.config import ConfigError, build_trainer, load_config

    try:
        trainer = build_trainer(load_config(args.config, args.set))
    except ConfigError as error:
        print(f"kusari train: {args.config}: {error}", file=sys.stderr)
        return 2
    trainer.run()
    print(summary_line(trainer))
    return 0


def summary_line(trainer) -> str:
    """One line after training: where it stopped, the final accuracy and the output folder.

    Uses LogReport's last row holding an accuracy key (else the last
    observation).

    Example:
        >>> from types import SimpleNamespace as NS
        >>> trainer = NS(updater=NS(epoch=3, iteration=30), out='result',
        ...              observation={'validation/main/accuracy': 0.96},
        ...              get_extension=lambda name: (_ for _ in ()).throw(ValueError(name)))
        >>> summary_line(trainer)
        'kusari train: done after 3 epochs (30 iterations): final validation/main/accuracy 0.9600; output in result'
    """
    rows = []
    try:
        rows = list(trainer.get_extension("LogReport").log)
    except ValueError:
        pass
    rows.append(dict(trainer.observation))
    accuracy = "no accuracy was reported"
    for key in _ACCURACY_KEYS:
        values = [row[key] for row in rows if key in row]
        if values:
            accuracy = f"final {key} {float(getattr(values[-1], 'array', values[-1])):.4f}"
            break
    updater = trainer.updater
    return (f"kusari train: done after {updater.epoch} epochs ({updater.iteration} iterations): "
            f"{accuracy}; output in {trainer.out}")
