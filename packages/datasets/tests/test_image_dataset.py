import os
import pathlib
import pickle
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import kusari
from kusari.datasets import ImageDataset, LabeledImageDataset
from kusari.utils.type_check import InvalidType

# mode -> number of channels of the pixel array that the test writes
_CHANNELS = {"RGB": 3, "L": 1, "RGBA": 4, "P": 1}


def _save(directory, name, mode, pixels):
    """Write ``pixels`` (H, W[, C] uint8) as a lossless PNG of ``mode``; return the path."""
    path = os.path.join(directory, name)
    if mode == "P":
        height, width = pixels.shape
        image = Image.frombytes("P", (width, height), pixels.tobytes())
        image.putpalette(list(range(256)) * 3)
    else:
        image = Image.frombytes(mode, (pixels.shape[1], pixels.shape[0]), pixels.tobytes())
    image.save(path)
    return path


def _pixels(mode):
    channels = _CHANNELS[mode]
    shape = st.tuples(st.integers(1, 4), st.integers(1, 4))
    if channels > 1:
        shape = shape.map(lambda hw: hw + (channels,))
    return hnp.arrays(np.uint8, shape)


@st.composite
def _mode_and_pixels(draw):
    mode = draw(st.sampled_from(sorted(_CHANNELS)))
    return mode, draw(_pixels(mode))


@settings(deadline=None)
@given(_mode_and_pixels())
def test_image_dataset_returns_chw_pixels_of_each_mode(tmp_path_factory, mode_pixels):
    mode, pixels = mode_pixels
    root = tmp_path_factory.mktemp("img")
    _save(root, "x.png", mode, pixels)
    image = ImageDataset(["x.png"], root=root)[0]
    # The file's own channels, as Chainer: palette images give their indices.
    expected = pixels[None] if pixels.ndim == 2 else pixels.transpose(2, 0, 1)
    assert image.dtype == np.float32
    assert image.shape == (_CHANNELS[mode],) + pixels.shape[:2]
    np.testing.assert_array_equal(image, expected.astype(np.float32))


def test_jpeg_matches_pillow_decoding(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (4, 3, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "a.jpg", quality=90)
    with Image.open(tmp_path / "a.jpg") as image:
        decoded = np.asarray(image)
    got = ImageDataset(["a.jpg"], root=tmp_path, dtype=np.uint8)[0]
    assert got.shape == (3, 4, 3)
    np.testing.assert_array_equal(got, decoded.transpose(2, 0, 1))


def test_dtype_argument_and_config_default(tmp_path):
    pixels = np.array([[0, 7, 255]], dtype=np.uint8)
    _save(tmp_path, "g.png", "L", pixels)
    assert ImageDataset(["g.png"], root=tmp_path, dtype=np.float64)[0].dtype == np.float64
    np.testing.assert_array_equal(ImageDataset(["g.png"], root=tmp_path, dtype=np.uint8)[0], pixels[None])
    with kusari.using_config("dtype", np.float16):
        assert ImageDataset(["g.png"], root=tmp_path)[0].dtype == np.float16


def test_paths_text_file_strips_and_skips_blank_lines(tmp_path):
    a = np.full((2, 2), 3, np.uint8)
    b = np.full((1, 3), 9, np.uint8)
    (tmp_path / "sub").mkdir()
    _save(tmp_path / "sub", "a.png", "L", a)
    _save(tmp_path / "sub", "b.png", "L", b)
    listing = tmp_path / "list.txt"
    listing.write_text("  a.png  \n\nb.png\n\n")
    for paths in (str(listing), listing):
        ds = ImageDataset(paths, root=tmp_path / "sub", dtype=np.uint8)
        assert len(ds) == 2
        np.testing.assert_array_equal(ds[0], a[None])
        np.testing.assert_array_equal(ds[1], b[None])


def test_root_joining_relative_and_absolute_paths(tmp_path, monkeypatch):
    a = np.full((1, 1), 5, np.uint8)
    _save(tmp_path, "a.png", "L", a)
    other = tmp_path / "elsewhere"
    other.mkdir()
    # An absolute path ignores root (os.path.join), a relative one is under it.
    ds = ImageDataset([str(tmp_path / "a.png"), "../a.png"], root=str(other), dtype=np.uint8)
    np.testing.assert_array_equal(ds[0], a[None])
    np.testing.assert_array_equal(ds[1], a[None])
    # The default root is the working directory.
    monkeypatch.chdir(tmp_path)
    np.testing.assert_array_equal(ImageDataset(["a.png"], dtype=np.uint8)[0], a[None])


def test_slicing_and_iteration_through_dataset_mixin(tmp_path):
    names = []
    for k in range(3):
        _save(tmp_path, f"{k}.png", "L", np.full((1, 1), k, np.uint8))
        names.append(f"{k}.png")
    ds = ImageDataset(names, root=tmp_path, dtype=np.uint8)
    assert [int(x[0, 0, 0]) for x in ds[1:]] == [1, 2]
    assert [int(x[0, 0, 0]) for x in ds] == [0, 1, 2]
    assert int(ds[-1][0, 0, 0]) == 2


def test_datasets_pickle(tmp_path):
    _save(tmp_path, "a.png", "L", np.full((1, 2), 4, np.uint8))
    ds = pickle.loads(pickle.dumps(ImageDataset(["a.png"], root=tmp_path)))
    np.testing.assert_array_equal(ds[0], np.full((1, 1, 2), 4, np.float32))
    lds = pickle.loads(pickle.dumps(LabeledImageDataset([("a.png", 2)], root=tmp_path)))
    assert int(lds[0][1]) == 2


def test_missing_image_names_the_path(tmp_path):
    ds = ImageDataset(["nope.png"], root=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"example 0 not found.*nope\.png"):
        ds[0]
    lds = LabeledImageDataset([("gone.png", 1)], root=tmp_path)
    with pytest.raises(FileNotFoundError, match=r"gone\.png"):
        lds[0]


def test_missing_list_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no_list\.txt"):
        ImageDataset(str(tmp_path / "no_list.txt"))
    with pytest.raises(FileNotFoundError, match=r"no_pairs\.txt"):
        LabeledImageDataset(str(tmp_path / "no_pairs.txt"))


def test_bad_argument_types():
    with pytest.raises(InvalidType, match=r"ImageDataset: argument 'paths' expected a path to a list file or a sequence, got int"):
        ImageDataset(3)
    with pytest.raises(InvalidType, match=r"ImageDataset: argument 'root' expected a path \(str or os.PathLike\), got NoneType"):
        ImageDataset([], root=None)
    with pytest.raises(InvalidType, match=r"LabeledImageDataset: argument 'pairs' expected a path to a list file or a sequence, got int"):
        LabeledImageDataset(3)
    with pytest.raises(InvalidType, match=r"LabeledImageDataset: argument 'root' expected a path"):
        LabeledImageDataset([], root=1)


@settings(deadline=None)
@given(st.lists(st.integers(-5, 300), min_size=1, max_size=4))
def test_labeled_pairs_list_gives_images_and_labels(tmp_path_factory, labels):
    root = tmp_path_factory.mktemp("lab")
    images = [np.full((2, 1, 3), k % 256, np.uint8) for k in range(len(labels))]
    pairs = []
    for k, (image, label) in enumerate(zip(images, labels, strict=True)):
        _save(root, f"{k}.png", "RGB", image)
        pairs.append((f"{k}.png", label))
    ds = LabeledImageDataset(pairs, root=root, label_dtype=np.int64)
    assert len(ds) == len(labels)
    for k, label in enumerate(labels):
        image, got_label = ds[k]
        assert image.dtype == np.float32 and image.shape == (3, 2, 1)
        np.testing.assert_array_equal(image, images[k].transpose(2, 0, 1).astype(np.float32))
        assert got_label.shape == () and got_label.dtype == np.int64 and int(got_label) == label


def test_labeled_pairs_file_default_label_dtype_and_spaces_in_paths(tmp_path):
    a = np.full((1, 1), 1, np.uint8)
    b = np.full((2, 2), 2, np.uint8)
    _save(tmp_path, "a.png", "L", a)
    _save(tmp_path, "my b.png", "L", b)
    listing = tmp_path / "pairs.txt"
    listing.write_text("a.png 3\n\n  my b.png\t-1  \n")
    ds = LabeledImageDataset(str(listing), root=tmp_path, dtype=np.uint8)
    assert len(ds) == 2
    image, label = ds[0]
    np.testing.assert_array_equal(image, a[None])
    assert label.dtype == np.int32 and int(label) == 3
    image, label = ds[1]
    np.testing.assert_array_equal(image, b[None])
    assert int(label) == -1


@pytest.mark.parametrize("bad_line", ["lonely.png", "a.png x", "a.png 1.5"])
def test_malformed_pairs_line_names_file_and_line(tmp_path, bad_line):
    listing = tmp_path / "pairs.txt"
    listing.write_text(f"a.png 0\n{bad_line}\n")
    with pytest.raises(ValueError, match=rf"LabeledImageDataset: argument 'pairs' expected lines of the form 'path label' with an integer label, got '{bad_line}' at line 2 of '.*pairs\.txt'"):
        LabeledImageDataset(listing)


def test_pair_that_is_not_two_items(tmp_path):
    ds = LabeledImageDataset([("a.png", 1, 2)], root=tmp_path)
    with pytest.raises(ValueError, match=r"LabeledImageDataset: argument 'pairs' expected \(path, label\) pairs; item 0 is not a pair, got \('a.png', 1, 2\)"):
        ds[0]


@pytest.mark.parametrize("cls, arg", [(ImageDataset, []), (LabeledImageDataset, [])])
def test_missing_pillow_says_how_to_install(monkeypatch, cls, arg):
    # A None entry in sys.modules makes the import raise ImportError.
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match=rf"{cls.__name__} needs Pillow.*pip install 'kusari-datasets\[image\]'"):
        cls(arg)


def test_missing_pillow_at_read_time(monkeypatch, tmp_path):
    ds = ImageDataset([pathlib.Path("a.png")], root=tmp_path)
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match=r"pip install 'kusari-datasets\[image\]'"):
        ds[0]
