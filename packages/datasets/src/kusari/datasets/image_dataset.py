"""``ImageDataset`` and ``LabeledImageDataset``: image files read on demand, as Chainer v7.

Each example is the image as an array of shape ``(channels, height, width)``;
Pillow decodes the files (install it with ``pip install 'kusari-datasets[image]'``).

Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> from PIL import Image
    >>> from kusari.datasets import ImageDataset
    >>> root = tempfile.mkdtemp()
    >>> Image.new('RGB', (5, 2), (10, 20, 30)).save(os.path.join(root, 'a.png'))
    >>> ds = ImageDataset(['a.png'], root=root)
    >>> ds[0].shape, ds[0].dtype, ds[0][:, 0, 0].tolist()
    ((3, 2, 5), dtype('float32'), [10.0, 20.0, 30.0])
"""
from __future__ import annotations

import os

import numpy

import kusari
from kusari.dataset import DatasetMixin
from kusari.datasets.tuple_dataset import _value_error
from kusari.utils import type_check

__all__ = ["ImageDataset", "LabeledImageDataset"]

_INSTALL_HINT = "pip install 'kusari-datasets[image]'"


def _pil_image(func: str):
    """Pillow's ``Image`` module, imported only when an image dataset is made."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(f"{func} needs Pillow to read image files; install it with: {_INSTALL_HINT}"
                          f" (the import failed with: {e})") from e
    return Image


def _check_path_like(func: str, arg: str, value) -> None:
    if not isinstance(value, (str, os.PathLike)):
        type_check.fail(func, arg, "a path (str or os.PathLike)", type(value).__name__)


def _is_list_file(value) -> bool:
    # A single str/PathLike names a text file that lists the examples, as in Chainer.
    return isinstance(value, (str, os.PathLike))


def _check_sequence(func: str, arg: str, value) -> None:
    if not (hasattr(value, "__len__") and hasattr(value, "__getitem__")):
        type_check.fail(func, arg, "a path to a list file or a sequence", type(value).__name__)


def _read_image(func: str, index: int, path: str, dtype) -> numpy.ndarray:
    """The image at ``path`` as a ``(channels, height, width)`` array of ``dtype``.

    The image keeps its own mode, as Chainer's did: RGB gives 3 channels,
    RGBA 4, grayscale (``L``) and palette (``P``, its palette indices) 1.
    """
    # Imported per call (a dict lookup once cached) so the dataset holds no
    # module object and pickles for multiprocess workers.
    image_module = _pil_image(func)
    try:
        with image_module.open(path) as image:
            array = numpy.asarray(image, dtype=dtype)
    except FileNotFoundError as e:
        raise FileNotFoundError(e.errno, f"{func}: image file of example {index} not found", path) from e
    if array.ndim == 2:
        array = array[:, :, None]
    # A view, not a copy: the batch converter copies when it stacks examples.
    return array.transpose(2, 0, 1)


class ImageDataset(DatasetMixin):
    """Images read from files when asked for; the ``i``-th example is the ``i``-th image.

    Each image becomes an array of shape ``(channels, height, width)``, with
    the channels the file's own mode has: 3 for RGB, 4 for RGBA, 1 for
    grayscale and for palette images (whose values are the palette indices,
    as Chainer returned them).  Convert mixed files to one mode beforehand.

    Args:
        paths (str, os.PathLike or sequence of str): A text file with one
            image path a line (blank lines are skipped, surrounding white
            space is stripped), or the sequence of image paths.
        root (str or os.PathLike): The directory the paths are relative to
            (absolute paths are used as they are).
        dtype: The dtype of the image arrays; ``kusari.config.dtype``
            (float32 by default) when None.

    Raises:
        ImportError: when Pillow is not installed (the message says how to
            install it).
        InvalidType: when ``paths`` or ``root`` has the wrong type.
        FileNotFoundError: on reading an example whose file does not exist
            (the message names the path).

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> from PIL import Image
        >>> from kusari.datasets import ImageDataset
        >>> root = tempfile.mkdtemp()
        >>> Image.fromarray(np.arange(6, dtype=np.uint8).reshape(2, 3)).save(
        ...     os.path.join(root, 'gray.png'))
        >>> with open(os.path.join(root, 'list.txt'), 'w') as f:
        ...     _ = f.write('gray.png\\n')
        >>> ds = ImageDataset(os.path.join(root, 'list.txt'), root=root, dtype=np.uint8)
        >>> ds[0]
        array([[[0, 1, 2],
                [3, 4, 5]]], dtype=uint8)
    """

    _func = "ImageDataset"

    def __init__(self, paths, root=".", dtype=None):
        _pil_image(self._func)  # fail early, as Chainer did, not at the first example
        _check_path_like(self._func, "root", root)
        if _is_list_file(paths):
            with open(paths, encoding="utf-8") as f:
                paths = [line.strip() for line in f if line.strip()]
        else:
            _check_sequence(self._func, "paths", paths)
        self._paths = paths
        self._root = os.fspath(root)
        self._dtype = kusari.get_dtype(dtype)

    def __len__(self):
        return len(self._paths)

    def get_example(self, i):
        path = os.path.join(self._root, self._paths[i])
        return _read_image(self._func, i, path, self._dtype)


def _read_pairs_file(func: str, list_path) -> list:
    """``(path, int label)`` pairs from lines ``path label``; blank lines are skipped.

    The label is the last white-space separated field, so a path may contain
    spaces (Chainer's format, where it could not, still reads the same).
    """
    pairs = []
    with open(list_path, encoding="utf-8") as f:
        for line_number, line in enumerate(f, start=1):
            fields = line.rsplit(None, 1)
            if not fields:
                continue
            try:
                if len(fields) != 2:
                    raise ValueError
                pairs.append((fields[0].strip(), int(fields[1])))
            except ValueError:
                _value_error(func, "pairs", "lines of the form 'path label' with an integer label",
                             f"{line.strip()!r} at line {line_number} of {os.fspath(list_path)!r}")
    return pairs


class LabeledImageDataset(DatasetMixin):
    """Image and label pairs; the ``i``-th example is ``(image, label)``.

    The image is read as by :class:`ImageDataset`; the label is a 0-d array
    of ``label_dtype``.

    Args:
        pairs (str, os.PathLike or sequence of (str, int)): A text file whose
            lines are ``path label`` (Caffe's format: the label is the last
            white-space separated field; blank lines are skipped), or the
            sequence of ``(path, label)`` pairs.
        root (str or os.PathLike): The directory the paths are relative to.
        dtype: The dtype of the image arrays; ``kusari.config.dtype``
            (float32 by default) when None.
        label_dtype: The dtype of the labels (``numpy.int32`` by default).

    Raises:
        ImportError: when Pillow is not installed.
        InvalidType: when ``pairs`` or ``root`` has the wrong type.
        DatasetValueError: (a ``ValueError``) when a line of the pairs file
            is not ``path label`` with an integer label (the message names
            the file and the line number), or a pair in the sequence is not
            two items.
        FileNotFoundError: on reading an example whose file does not exist.

    Example:
        >>> import os, tempfile
        >>> from PIL import Image
        >>> from kusari.datasets import LabeledImageDataset
        >>> root = tempfile.mkdtemp()
        >>> Image.new('RGB', (4, 3)).save(os.path.join(root, 'cat.png'))
        >>> ds = LabeledImageDataset([('cat.png', 7)], root=root)
        >>> image, label = ds[0]
        >>> image.shape, image.dtype, label
        ((3, 3, 4), dtype('float32'), array(7, dtype=int32))
    """

    _func = "LabeledImageDataset"

    def __init__(self, pairs, root=".", dtype=None, label_dtype=numpy.int32):
        _pil_image(self._func)  # fail early, as Chainer did, not at the first example
        _check_path_like(self._func, "root", root)
        if _is_list_file(pairs):
            pairs = _read_pairs_file(self._func, pairs)
        else:
            _check_sequence(self._func, "pairs", pairs)
        self._pairs = pairs
        self._root = os.fspath(root)
        self._dtype = kusari.get_dtype(dtype)
        self._label_dtype = numpy.dtype(label_dtype)

    def __len__(self):
        return len(self._pairs)

    def get_example(self, i):
        pair = self._pairs[i]
        # Checked here, not up front: a list of a million pairs costs nothing to wrap.
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            _value_error(self._func, "pairs", f"(path, label) pairs; item {i} is not a pair", repr(pair))
        path, label = pair
        image = _read_image(self._func, i, os.path.join(self._root, path), self._dtype)
        return image, numpy.array(label, dtype=self._label_dtype)
