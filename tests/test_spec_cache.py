"""Specs are validated once per process and shipped specs once per installation, and a changed
file is always read again (``lccost.spec.cache``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteSpec

from lccost.api import load, make_workload
from lccost.engine import cost
from lccost.spec import cache as spec_cache

SPEC = """\
name: tiny
hidden_size: 64
vocab_size: 100
layers:
  - attention: {kind: attention, query_heads: 4, kv_heads: %d, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
"""


def test_an_edited_spec_is_read_again(write_spec: WriteSpec) -> None:
    path = write_spec(SPEC % 1)
    # 1 layer x 1 KV head x 16 x 2 (K and V) x 2 bytes (bf16) = 64 bytes per token
    assert cost(load(path), make_workload(10)).kv_cache_bytes == 64 * 10
    assert load(path) is load(path)  # validated once
    path.write_text(SPEC % 2, encoding="utf-8")  # 2 KV heads: 128 bytes per token
    assert cost(load(path), make_workload(10)).kv_cache_bytes == 128 * 10


def test_an_edited_parent_is_read_again(write_spec: WriteSpec) -> None:
    parent = write_spec(SPEC % 1, name="parent.yaml")
    child = write_spec("extends: parent.yaml\nname: child\n", name="child.yaml")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    parent.write_text(SPEC % 4, encoding="utf-8")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 256 * 10


def _kv_bytes_in_a_fresh_process(cache_dir: Path) -> str:
    code = (
        "from lccost.api import load, make_workload; from lccost.engine import cost; "
        "print(cost(load('llama-3.1-8b'), make_workload(1000)).kv_cache_bytes)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "LCCOST_CACHE_DIR": str(cache_dir)},
        check=True,
    )
    return done.stdout.strip()


def test_shipped_specs_are_kept_across_processes_and_a_bad_cache_is_ignored(tmp_path: Path) -> None:
    # Llama 3.1 8B at L = 1000: 32 layers x 8 KV heads x 128 x 2 x 2 bytes x 1000 tokens.
    expected = str(32 * 8 * 128 * 2 * 2 * 1000)
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected
    kept = list(tmp_path.rglob("spec-*.pickle"))
    assert len(kept) == 1
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected  # read from the cache
    kept[0].write_bytes(b"not a pickle")
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected  # validated again


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCCOST_CACHE_DIR", "off")
    assert spec_cache.cache_dir() is None


@pytest.fixture
def shipped_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``tmp_path/specs`` treated as a shipped folder, the cache under ``tmp_path/cache``, and
    this process's memory of specs emptied (restored afterwards): each load starts as a fresh
    process would."""
    from lccost.spec import loader

    folder = tmp_path / "specs"
    folder.mkdir()
    monkeypatch.setattr(loader, "_shipped_dirs", lambda: frozenset({folder.resolve()}))
    monkeypatch.setenv("LCCOST_CACHE_DIR", str(tmp_path / "cache"))
    memos: list[dict[Any, Any]] = [loader._VALIDATED, loader._CHAINS, loader._PARSED]
    saved = [dict(memo) for memo in memos]
    _forget()
    yield folder
    for memo, contents in zip(memos, saved, strict=True):
        memo.clear()
        memo.update(contents)


def _forget() -> None:
    """Empty this process's memory of specs (what a new process starts with)."""
    from lccost.spec import loader

    loader._VALIDATED.clear()
    loader._CHAINS.clear()
    loader._PARSED.clear()


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files ``parse_yaml`` reads from now on."""
    from lccost.spec import loader

    seen: list[str] = []
    parse = loader.parse_yaml

    def counted(text: str, file: str, *args: object, **kwargs: object) -> object:
        seen.append(Path(file).name)
        return parse(text, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "parse_yaml", counted)
    return seen


def test_a_kept_shipped_spec_is_loaded_without_parsing_yaml(
    shipped_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lccost.spec import loader

    (shipped_here / "parent.yaml").write_text(SPEC % 1, encoding="utf-8")
    child = shipped_here / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n", encoding="utf-8")
    parses = _parses(monkeypatch)
    # 1 layer x 1 KV head x 16 x 2 (K and V) x 2 bytes (bf16) = 64 bytes per token
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    assert sorted(parses) == ["child.yaml", "parent.yaml"]
    _forget()
    parses.clear()
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    assert parses == []  # from the cache: the chain's digests checked, no YAML parsed
    loader._VALIDATED.clear()  # dropped from this process's bound, its chain still known
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    assert parses == []


def test_an_edited_parent_of_a_kept_spec_is_validated_again(
    shipped_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = shipped_here / "parent.yaml"
    parent.write_text(SPEC % 1, encoding="utf-8")
    child = shipped_here / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n", encoding="utf-8")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    _forget()
    parent.write_text(SPEC % 4, encoding="utf-8")  # 4 KV heads: 256 bytes per token
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 256 * 10


def test_a_kept_spec_whose_extends_now_finds_another_file_is_validated_again(
    shipped_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The child's text is unchanged and the new parent has the same text as the old one, but it
    # is another file: the chain kept no longer describes what the spec is made of.
    (shipped_here / "a.yaml").write_text(SPEC % 1, encoding="utf-8")
    (shipped_here / "b.yaml").write_text(SPEC % 1, encoding="utf-8")
    link = shipped_here / "parent.yaml"
    link.symlink_to(shipped_here / "a.yaml")
    child = shipped_here / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n", encoding="utf-8")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    _forget()
    link.unlink()
    link.symlink_to(shipped_here / "b.yaml")
    parses = _parses(monkeypatch)
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    assert sorted(parses) == ["child.yaml", "parent.yaml"]  # validated again, not recalled


def test_a_spec_outside_the_shipped_folders_is_not_kept(
    shipped_here: Path, write_spec: WriteSpec, tmp_path: Path
) -> None:
    path = write_spec(SPEC % 1, name="elsewhere/spec.yaml")
    assert cost(load(path), make_workload(10)).kv_cache_bytes == 64 * 10
    assert not list((tmp_path / "cache").rglob("spec-*.pickle"))


def test_a_cold_compare_of_kept_specs_imports_only_what_it_uses(tmp_path: Path) -> None:
    # What a cold `lccost compare` of shipped models leaves out once their specs are kept: the
    # YAML library (no file is parsed), the hardware module (no --hardware) and pydantic's
    # plugin lookup. A second run, so the first has filled the cache.
    code = (
        "import sys; from lccost.cli.app import main\n"
        "sys.argv = ['lccost', 'compare', 'llama-3.1-8b', 'gemma-4-e2b', '--context', '1M']\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted(m for m in ('yaml', 'lccost.hardware') if m in sys.modules),"
        " file=sys.stderr)\n"
        # pydantic's plugin lookup reads every installed distribution's entry points (cli.app,
        # _without_pydantic_plugins): never run, and the environment left as it was
        "from pydantic.plugin import _loader\n"
        "import os\n"
        "assert _loader._plugins is None, 'plugin lookup ran'\n"
        "assert 'PYDANTIC_DISABLE_PLUGINS' not in os.environ\n"
    )
    env = {**os.environ, "LCCOST_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr
    assert "'yaml'" in runs[0].stderr  # validated, so parsed
    assert runs[1].stderr.strip() == "[]"


def test_a_shipped_name_resolves_to_the_file_the_listing_gives() -> None:
    # resolve_ref finds an exact shipped name without listing both folders
    # (loader._shipped_named): the same file as shipped_specs() names, a variant over a model
    # of the same name; other spellings still go through the listing.
    from lccost.spec.loader import resolve_ref, shipped_specs

    shipped = shipped_specs()
    assert len(shipped) >= 20
    for name, path in shipped.items():
        assert resolve_ref(name) == path, name
    assert resolve_ref("LLAMA-3.1-8B") == shipped["llama-3.1-8b"]
    assert resolve_ref("claims") == Path("claims")  # configs/claims.yaml is no model


PROFILE = """\
name: Test GPU
memory_bytes: %d
memory_bandwidth_bytes_per_s: 1_000_000_000_000
peak_flops_per_s: {bf16: 1_000_000_000_000_000}
sources: [{ref: a test, covers: everything}]
"""


def test_a_shipped_hardware_profile_is_kept_and_an_edited_one_read_again(
    shipped_here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Profiles in a shipped folder are kept like shipped specs (hardware.load_hardware passes
    # its folders to loader.load_model): found again by digest with no YAML parsed.
    from lccost import hardware

    monkeypatch.setattr(hardware, "_shipped_hardware_dirs", lambda: frozenset({shipped_here}))
    profile = shipped_here / "test-gpu.yaml"
    profile.write_text(PROFILE % 80_000_000_000, encoding="utf-8")
    parses = _parses(monkeypatch)
    assert hardware.load_hardware(profile).memory_bytes == 80_000_000_000
    assert parses == ["test-gpu.yaml"]
    assert len(list((shipped_here.parent / "cache").rglob("hardwareprofile-*.pickle"))) == 1
    _forget()  # a new process
    assert hardware.load_hardware(profile).memory_bytes == 80_000_000_000
    assert parses == ["test-gpu.yaml"]  # recalled, not parsed
    profile.write_text(PROFILE % 40_000_000_000, encoding="utf-8")
    _forget()
    assert hardware.load_hardware(profile).memory_bytes == 40_000_000_000
    assert parses == ["test-gpu.yaml", "test-gpu.yaml"]


def test_a_profile_outside_the_shipped_folders_is_not_kept(
    shipped_here: Path, tmp_path: Path
) -> None:
    from lccost import hardware

    profile = tmp_path / "mine.yaml"
    profile.write_text(PROFILE % 80_000_000_000, encoding="utf-8")
    assert hardware.load_hardware(profile).memory_bytes == 80_000_000_000
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_a_new_build_removes_what_other_builds_kept_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache folder as an older build left it: its own v-* folder, an entry of the flat
    # layout of earlier versions, and files lccost never writes (LCCOST_CACHE_DIR may name a
    # folder of the user's), which must stay.
    folder = tmp_path / "cache"
    older = folder / "v-0123456789abcdef"
    older.mkdir(parents=True)
    (older / f"spec-{'a' * 32}.pickle").write_bytes(b"older")
    (older / "tmpk1x2.tmp").write_bytes(b"half written")
    flat = folder / f"hardwareprofile-{'b' * 32}.pickle"
    flat.write_bytes(b"flat layout")
    mine = [folder / "notes.txt", folder / "spec-mine.pickle", folder / "v-mine"]
    mine[0].write_text("keep me", encoding="utf-8")
    mine[1].write_bytes(b"not a name lccost writes")
    mine[2].mkdir()
    monkeypatch.setenv("LCCOST_CACHE_DIR", str(folder))
    assert _kv_bytes_in_a_fresh_process(folder) == str(32 * 8 * 128 * 2 * 2 * 1000)
    left = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    current = [name for name in left if name.startswith("v-") and name not in ("v-mine",)]
    assert len(current) == 2  # this build's folder and its one entry (llama-3.1-8b)
    assert current[1].startswith(current[0] + "/spec-")
    assert not older.exists() and not flat.exists()
    assert all(path.exists() for path in mine)
