"""kusari.config / global_config / using_config and the backprop-mode contexts."""
import threading

import numpy as np
import pytest

import kusari


def test_chainer_v7_defaults():
    c = kusari.config
    assert c.train is True
    assert c.enable_backprop is True
    assert c.type_check is True
    assert c.debug is False
    assert c.use_cudnn == "auto"
    assert c.lazy_grad_sum is False
    assert c.dtype == np.dtype(np.float32)
    assert kusari.get_dtype() == np.float32
    assert kusari.get_dtype(np.float16) == np.float16


def test_using_config_sets_and_restores():
    with kusari.using_config("train", False):
        assert kusari.config.train is False
        with kusari.using_config("train", True):
            assert kusari.config.train is True
        assert kusari.config.train is False
    assert kusari.config.train is True


def test_using_config_restores_on_exception():
    with pytest.raises(KeyError):
        with kusari.using_config("train", False), kusari.using_config("debug", True):
            raise KeyError("boom")
    assert kusari.config.train is True
    assert kusari.config.debug is False


def test_using_config_keeps_a_thread_override_it_found():
    kusari.config.train = False
    try:
        with kusari.using_config("train", True):
            assert kusari.config.train is True
        assert kusari.config.train is False
    finally:
        del kusari.config.train
    assert kusari.config.train is True


def test_using_config_new_user_setting_disappears_after():
    with kusari.using_config("my_flag", 3):
        assert kusari.config.my_flag == 3
    with pytest.raises(AttributeError, match="my_flag"):
        _ = kusari.config.my_flag


def test_unknown_setting_error_names_it_and_how_to_set_it():
    with pytest.raises(AttributeError, match=r"no setting 'no_such_setting'.*global_config\.no_such_setting"):
        _ = kusari.config.no_such_setting
    with pytest.raises(AttributeError, match="kusari.global_config has no setting 'nope'"):
        _ = kusari.global_config.nope


def test_global_config_private_names_are_rejected():
    with pytest.raises(AttributeError, match="private setting '_x'"):
        kusari.global_config._x = 1


def _in_thread(func):
    box = {}

    def run():
        try:
            box["value"] = func()
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller
            box["error"] = error

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_a_thread_local_setting_is_not_seen_by_another_thread():
    ready = threading.Event()
    release = threading.Event()
    seen = {}

    def worker():
        with kusari.using_config("train", False):
            seen["worker"] = kusari.config.train
            ready.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    assert ready.wait(5)
    try:
        assert seen["worker"] is False
        assert kusari.config.train is True  # this thread: unaffected
        assert _in_thread(lambda: kusari.config.train) is True  # a third thread too
    finally:
        release.set()
        t.join()


def test_setting_in_main_thread_is_not_seen_by_a_new_thread():
    with kusari.using_config("enable_backprop", False):
        assert _in_thread(lambda: kusari.config.enable_backprop) is True


def test_global_config_change_is_seen_by_threads_without_override():
    kusari.global_config.train = False
    try:
        assert kusari.config.train is False
        assert _in_thread(lambda: kusari.config.train) is False

        def overridden():
            with kusari.using_config("train", True):
                return kusari.config.train

        assert _in_thread(overridden) is True
    finally:
        kusari.global_config.train = True
    assert kusari.config.train is True


def test_global_config_new_setting_is_visible_everywhere_and_removable():
    kusari.global_config.user_setting = "x"
    try:
        assert kusari.config.user_setting == "x"
        assert _in_thread(lambda: kusari.config.user_setting) == "x"
    finally:
        del kusari.global_config.user_setting
    with pytest.raises(AttributeError):
        _ = kusari.config.user_setting


def test_no_backprop_mode_records_no_graph():
    x = kusari.Variable(np.ones(3, np.float32))
    with kusari.no_backprop_mode():
        assert kusari.config.enable_backprop is False
        y = x * 2
    assert kusari.config.enable_backprop is True
    assert y.creator is None
    y2 = x * 2
    assert y2.creator is not None


def test_force_backprop_mode_inside_no_backprop_mode_records():
    x = kusari.Variable(np.ones(3, np.float32))
    with kusari.no_backprop_mode():
        with kusari.force_backprop_mode():
            y = x * 2
        z = x * 2
    assert y.creator is not None
    assert z.creator is None
    y.grad = np.ones(3, np.float32)
    y.backward()
    np.testing.assert_array_equal(x.grad, np.full(3, 2, np.float32))


def test_debug_helpers():
    assert kusari.is_debug() is False
    with kusari.DebugMode(True):
        assert kusari.is_debug() is True
    assert kusari.is_debug() is False
    kusari.set_debug(True)
    try:
        assert kusari.is_debug() is True
        assert _in_thread(kusari.is_debug) is True
    finally:
        kusari.set_debug(False)


def test_show_lists_settings(capsys):
    kusari.config.show()
    out = capsys.readouterr().out
    assert "enable_backprop" in out and "train" in out
    with kusari.using_config("train", False):
        kusari.config.show()
        assert any(line.split() == ["train", "False"] for line in capsys.readouterr().out.splitlines())
