"""Bad input through ``lccost validate FILE``: every case exits 1 with one clear message, no
traceback, naming the file, the line, the field path and what is allowed there.

The bad specs live in ``tests/data/bad/``; the expected line of each case is read off that file
(the comment beside each case says which line holds the fault and why).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RunCli, WriteSpec

BAD = Path(__file__).parent / "data" / "bad"

# (file, line, field path, fragments that say what is wrong and what is allowed)
CASES = [
    # Line 3 is indented under `hidden_size: 64`, so it continues that plain scalar and its
    # colon is not allowed inside a value.
    (
        "malformed_yaml.yaml",
        3,
        "hidden_size",
        ["is not valid YAML", "mapping values are not allowed here"],
    ),
    (
        "unknown_top_field.yaml",
        4,
        "colour",
        ["unknown field", "allowed here: name, description, hidden_size, vocab_size"],
    ),
    # `num_heads` is the 6th key of the block mapping that starts on line 5.
    (
        "unknown_attention_field.yaml",
        10,
        "layers[0].attention.num_heads",
        ["unknown field", "allowed here:", "query_heads", "kv_heads", "head_dim", "window"],
    ),
    ("string_for_int.yaml", 2, "hidden_size", ["got '64'", "allowed: a whole number"]),
    # YAML 1.2 reads 1e6 as the float 1000000.0; integer fields take no floats.
    (
        "exponent_for_int.yaml",
        3,
        "vocab_size",
        ["got 1000000.0", "allowed: a whole number", "no exponent"],
    ),
    # YAML 1.1's `yes` is a plain string under YAML 1.2: not silently true.
    ("yes_for_bool.yaml", 4, "tie_word_embeddings", ["got 'yes'", "allowed: true or false"]),
    (
        "octal_for_int.yaml",
        5,
        "layers[0].attention.head_dim",
        ["017 has a leading zero", "allowed: a whole number without leading zeros"],
    ),
    # A missing top-level field is reported at the top-level mapping, line 1.
    (
        "missing_required.yaml",
        1,
        "vocab_size",
        ["required field is missing", "allowed: a whole number"],
    ),
    (
        "heads_not_multiple.yaml",
        5,
        "layers[0].attention",
        ["query_heads (6) must be a multiple of kv_heads (4)"],
    ),
    # `window: 0` is on the continuation line 6 of the flow mapping that starts on line 5.
    ("window_zero.yaml", 6, "layers[0].attention.window", ["got 0", "allowed: a number >= 1"]),
    ("negative_hidden.yaml", 2, "hidden_size", ["got -64", "allowed: a number >= 1"]),
    # Layer 1 (line 7) names itself; only layer 0 is earlier.
    (
        "shares_itself.yaml",
        7,
        "layers[1].attention.kv_source_layer",
        ["layer 1 reads the KV cache of itself", "an earlier layer's cache (0 to 0)"],
    ),
    (
        "shares_later.yaml",
        7,
        "layers[1].attention.kv_source_layer",
        ["a later layer (2)", "an earlier layer's cache (0 to 0)"],
    ),
    # kv_source_layer is on line 8, the continuation of layer 1's attention mapping.
    (
        "sliding_reads_full.yaml",
        8,
        "layers[1].attention.kv_source_layer",
        ["window 128", "window None", "only read a cache of the same type and shape"],
    ),
    (
        "reads_mla.yaml",
        8,
        "layers[1].attention.kv_source_layer",
        ["layer 0 is mla", "the source must be kind: attention"],
    ),
    # max_context 4096 holds 4096 tokens for an MLA indexer to choose from; top_k 4097 > 4096.
    (
        "top_k_too_large.yaml",
        13,
        "layers[0].attention.indexer.top_k",
        ["top_k 4097 exceeds the 4096 entries", "max_context 4096"],
    ),
    # CSA picks among compressed entries: 4096 / 4 = 1024, so top_k 1025 is one too many.
    (
        "csa_top_k_too_large.yaml",
        8,
        "layers[0].attention.indexer.top_k",
        ["top_k 1025 exceeds the 1024 entries", "max_context 4096 / 4"],
    ),
    # A window of 4096 keys at max_context 1024 never slides: written on line 7 (the template),
    # it applies to the three layers the repeat makes from it, 0, 1 and 2.
    (
        "window_past_max_context.yaml",
        7,
        "layer_templates.block.attention.window",
        ["layers 0-2", "window 4096 exceeds max_context 1024", "unset window"],
    ),
    # The override sets the window on its line 5; the error names that file, not the base.
    (
        "window_past_max_context_override.yaml",
        5,
        "layer_templates.block.attention.window",
        ["window 2048 exceeds max_context 1024"],
    ),
    # a extends b (line 1 of a), b extends a (line 2 of b, after a comment): validating a finds
    # the cycle at b's `extends`.
    ("extends_cycle_a.yaml", 2, "extends", ["extends cycle", "extends_cycle_a.yaml"]),
    (
        "extends_missing_parent.yaml",
        2,
        "extends",
        ["'no-such-parent.yaml' is neither a file", "shipped model", "gemma-4-e2b"],
    ),
    (
        "unknown_attention_kind.yaml",
        5,
        "layers[0].attention.kind",
        [
            "kind 'linear' is not known",
            "allowed kinds here: attention, cca, chunked_attention, "
            "csa, gated_deltanet, hca, kimi_delta, lightning, mamba2, "
            "mla, none, short_conv, v4_sliding",
        ],
    ),
    (
        "unknown_ffn_kind.yaml",
        6,
        "layers[0].ffn.kind",
        ["kind 'mlp' is not known", "allowed kinds here: dense, moe, none"],
    ),
    # The second entry of the repeat's list on line 10 misspells the template.
    (
        "unknown_template.yaml",
        10,
        "layers[0].layers[1]",
        ["unknown layer template 'blok'", "layer_templates defines: block"],
    ),
    # The anchor on line 5 is refused before its alias on line 7 is ever expanded.
    ("anchors.yaml", 5, "layers[0].attention", ["anchors", "aliases", "not supported"]),
    (
        "duplicate_keys.yaml",
        5,
        "layers[0].attention.head_dim",
        ["given twice", "give each field once"],
    ),
    ("python_tag.yaml", 2, "hidden_size", ["YAML tag", "not supported"]),
    ("huge_int.yaml", 3, "vocab_size", ["too large", "up to 9,223,372,036,854,775,807"]),
    ("nan_for_int.yaml", 2, "hidden_size", ["got nan", "allowed: a whole number"]),
    # 1000 x 1000 layers; the inner repeat (line 11) passes 10,000 on its 11th outer pass.
    ("too_many_layers.yaml", 11, "layers[0].layers[0]", ["expands to more than 10000 layers"]),
    # 2 layers: sharing can start at layer 1 at the latest.
    (
        "kv_sharing_beyond_layers.yaml",
        4,
        "kv_sharing.first_shared_layer",
        ["is 2, but the model has 2 layers", "allowed: 1 to 1"],
    ),
    (
        "moe_active_exceeds.yaml",
        6,
        "layers[0].ffn",
        ["active_experts (8) cannot exceed experts (4)"],
    ),
    (
        "wrong_output_gate.yaml",
        5,
        "layers[0].attention.output_gate",
        ["got 'sigmoid'", "allowed: 'none', 'per_head' or 'per_element'"],
    ),
]


def assert_clean_failure(code: int, out: str, err: str) -> None:
    assert code == 1
    assert "Traceback" not in err and "Traceback" not in out
    assert err.startswith("Error: ")


@pytest.mark.parametrize(
    ("name", "line", "field", "fragments"),
    CASES,
    ids=[case[0].removesuffix(".yaml") for case in CASES],
)
def test_bad_spec_names_file_line_field_and_what_is_allowed(
    run_cli: RunCli, name: str, line: int, field: str, fragments: list[str]
) -> None:
    code, out, err = run_cli(["validate", str(BAD / name)])
    assert_clean_failure(code, out, err)
    first = err.splitlines()[0]
    file = (BAD / "extends_cycle_b.yaml") if name == "extends_cycle_a.yaml" else BAD / name
    assert f"{file}:{line}: {field}: " in first, first
    for fragment in fragments:
        assert fragment in first, (fragment, first)


def test_every_bad_file_is_covered() -> None:
    on_disk = {p.name for p in BAD.glob("*.yaml")}
    covered = {case[0] for case in CASES} | {
        "extends_cycle_b.yaml",
        "empty.yaml",
        "non_utf8.yaml",
        "top_level_list.yaml",
        "window_ok_base.yaml",
    }
    assert on_disk == covered


def test_empty_file_says_what_a_spec_is(run_cli: RunCli) -> None:
    code, out, err = run_cli(["validate", str(BAD / "empty.yaml")])
    assert_clean_failure(code, out, err)
    assert f"{BAD / 'empty.yaml'}:1: is empty; a spec is a mapping with name, hidden_size" in err


def test_top_level_list_is_refused(run_cli: RunCli) -> None:
    code, out, err = run_cli(["validate", str(BAD / "top_level_list.yaml")])
    assert_clean_failure(code, out, err)
    assert f"{BAD / 'top_level_list.yaml'}:1: must be a mapping of fields" in err
    assert "not a list" in err


def test_non_utf8_bytes_name_the_line_and_byte(run_cli: RunCli) -> None:
    # Line 1 "name: tiny\n" is 11 bytes, "description: caf" 16 more: the 0xe9 (Latin-1 é) is
    # byte 27, on line 2.
    code, out, err = run_cli(["validate", str(BAD / "non_utf8.yaml")])
    assert_clean_failure(code, out, err)
    assert f"{BAD / 'non_utf8.yaml'}:2: is not UTF-8 text (byte 27 is 0xe9)" in err
    assert "save the file as UTF-8" in err


def test_directory_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, err = run_cli(["validate", str(tmp_path)])
    assert_clean_failure(code, out, err)
    assert f"{tmp_path}: is a directory; give a spec file (.yaml)" in err


def test_missing_file_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run_cli(["validate", str(missing)])
    assert_clean_failure(code, out, err)
    assert f"{missing}: is neither a spec file nor a shipped model" in err
    assert "llama-3.1-8b" in err


def test_file_over_the_size_cap_is_refused_without_reading_it_all(
    run_cli: RunCli, write_spec: WriteSpec
) -> None:
    from lccost.spec.loader import MAX_SPEC_BYTES

    path = write_spec("notes: [" + "x, " * (MAX_SPEC_BYTES // 3) + "]\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"is over {MAX_SPEC_BYTES:,} bytes" in err


def test_any_alias_is_refused_even_to_an_undefined_anchor(
    run_cli: RunCli, write_spec: WriteSpec
) -> None:
    path = write_spec("name: x\nhidden_size: 64\nvocab_size: 8\nlayers: [*nothing]\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    # The alias is the first entry of the `layers` list on line 4.
    assert f"{path}:4: layers[0]: YAML anchors (&name) and aliases (*name) are not supported" in err


def test_each_problem_of_one_file_is_listed(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec("name: x\nhidden_size: 0\nvocab_size: -1\nlayers: []\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:2: hidden_size: got 0; allowed: a number >= 1" in err
    assert f"{path}:3: vocab_size: got -1; allowed: a number >= 1" in err
    assert f"{path}:4: layers: must not be empty" in err


def test_validate_reports_good_and_bad_files_together(run_cli: RunCli) -> None:
    good = Path(__file__).parent.parent / "configs" / "llama-3.1-8b.yaml"
    code, out, err = run_cli(["validate", str(good), str(BAD / "window_zero.yaml")])
    assert_clean_failure(code, out, err)
    assert f"ok  {good}  (llama-3.1-8b, 32 layers)" in out
    assert "window_zero.yaml:6: layers[0].attention.window" in err


def test_error_inherited_from_a_parent_points_at_the_parent(
    run_cli: RunCli, write_spec: WriteSpec
) -> None:
    parent = write_spec(
        "name: p\nhidden_size: 64\nvocab_size: 0\nlayers:\n"
        "  - attention: {kind: attention, query_heads: 1, kv_heads: 1, "
        "head_dim: 8}\n    ffn: {kind: dense, intermediate_size: 8}\n",
        name="parent.yaml",
    )
    child = write_spec("extends: parent.yaml\nname: c\n", name="child.yaml")
    code, out, err = run_cli(["validate", str(child)])
    assert_clean_failure(code, out, err)
    # vocab_size: 0 is written on line 3 of the parent, not in the child.
    assert f"{parent}:3: vocab_size: got 0" in err


def test_child_list_replacing_parent_list_reports_child_lines(
    run_cli: RunCli, write_spec: WriteSpec
) -> None:
    write_spec(
        "name: p\nhidden_size: 64\nvocab_size: 8\nlayers:\n"
        "  - attention: {kind: attention, query_heads: 1, kv_heads: 1, head_dim: 8}\n"
        "    ffn: {kind: dense, intermediate_size: 8}\n",
        name="parent.yaml",
    )
    # The child's layer 0 lacks `ffn`; the parent's layer 0 (line 5 of the parent) must not be
    # blamed: the error is at the child's entry on line 3.
    child = write_spec(
        "extends: parent.yaml\nlayers:\n"
        "  - attention: {kind: attention, query_heads: 1, kv_heads: 1, "
        "head_dim: 8}\n",
        name="child.yaml",
    )
    code, out, err = run_cli(["validate", str(child)])
    assert_clean_failure(code, out, err)
    assert f"{child}:3: layers[0].ffn: required field is missing" in err


def test_extends_that_is_not_text_is_refused(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec("name: x\nextends: 5\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:2: extends: got 5; allowed: a spec file path" in err


def test_extends_a_directory_is_refused_at_the_extends_line(
    run_cli: RunCli, write_spec: WriteSpec, tmp_path: Path
) -> None:
    (tmp_path / "sub").mkdir()
    path = write_spec("name: x\nextends: sub\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:2: extends: 'sub' is a directory, not a spec file" in err


def test_a_spec_extending_itself_is_a_cycle(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec("extends: spec.yaml\nname: x\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:1: extends: 'spec.yaml' makes an extends cycle" in err


def test_missing_kind_lists_the_kinds(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec(
        "name: x\nhidden_size: 8\nvocab_size: 8\nlayers:\n"
        "  - attention: {query_heads: 1, kv_heads: 1, head_dim: 8}\n"
        "    ffn: {kind: dense, intermediate_size: 8}\n"
    )
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert (
        f"{path}:5: layers[0].attention.kind: kind is missing; allowed kinds here: "
        "attention, cca, chunked_attention, csa, gated_deltanet, hca, kimi_delta, lightning, "
        "mamba2, mla, none, short_conv, v4_sliding"
    ) in err


def test_mapping_key_that_is_not_text_is_refused(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec("name: x\n1: one\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:2: (top level): mapping keys must be field names (plain text), not '1'" in err


def test_deep_nesting_is_refused(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec("notes: " + "[" * 100 + "]" * 100 + "\n")
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert "nests more than 64 levels deep" in err


# --- the error boundary: usage errors are click's, exit 2 ---------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "Missing argument 'paths'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["compare", "llama-3.1-8b", "--context", "12q"], "Invalid value for '--context'"),
        (["compare", "llama-3.1-8b", "--batch", "0"], "Invalid value for '--batch'"),
        (["compare", "llama-3.1-8b", "--accounting", "paged"], "Invalid value for '--accounting'"),
        (["compare", "llama-3.1-8b", "--dtype", "fp7"], "unknown dtype 'fp7'; allowed: fp32, bf16"),
    ],
)
def test_usage_errors_exit_2_with_clicks_message(
    run_cli: RunCli, args: list[str], message: str
) -> None:
    code, _out, err = run_cli(args)
    assert code == 2
    assert "Traceback" not in err
    assert message in err


def test_library_errors_in_commands_exit_1(run_cli: RunCli) -> None:
    code, out, err = run_cli(["compare", "no-such-model"])
    assert_clean_failure(code, out, err)
    assert "is neither a spec file nor a shipped model" in err


def test_help_exits_0(run_cli: RunCli) -> None:
    code, out, _err = run_cli(["--help"])
    assert code == 0
    assert "Usage: lccost" in out


def test_thousands_of_problems_are_summarised(run_cli: RunCli, write_spec: WriteSpec) -> None:
    # 500 entries naming a template that does not exist: 500 problems, 20 shown.
    path = write_spec("name: x\nhidden_size: 8\nvocab_size: 8\nlayers:\n" + "- nope\n" * 500)
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert f"{path}:5: layers[0]: unknown layer template 'nope'" in err
    assert err.count("unknown layer template") == 20
    assert err.rstrip().endswith("... and 480 more problems in this spec")


def test_layer_template_extending_a_list_is_refused(run_cli: RunCli, write_spec: WriteSpec) -> None:
    path = write_spec(
        "name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        "  a: {extends: [b]}\nlayers: [a]\n"
    )
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert "layer template 'a' extends ['b']; allowed: the name of another layer template" in err


def test_a_very_long_template_extends_chain_is_refused(
    run_cli: RunCli, write_spec: WriteSpec
) -> None:
    # t0 extends t1 extends ... t99: resolving t0 first walks the whole chain.
    chain = "".join(f"  t{i}: {{extends: t{i + 1}}}\n" for i in range(99))
    path = write_spec(
        "name: x\nhidden_size: 8\nvocab_size: 8\nlayer_templates:\n"
        + chain
        + "  t99: {attention: {kind: attention, query_heads: 1, kv_heads: 1, "
        "head_dim: 8}, ffn: {kind: dense, intermediate_size: 8}}\nlayers: [t0]\n"
    )
    code, out, err = run_cli(["validate", str(path)])
    assert_clean_failure(code, out, err)
    assert "is more than 64 extends deep" in err
