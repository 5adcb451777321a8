"""The ``lccost`` command: the Typer app and the one error boundary.

The library raises ``LccostError`` for anything the user can fix; ``main`` prints it as one
paragraph on stderr and exits 1. A usage error (unknown command, bad option value) exits 2 with
click's message. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer


def _version(value: bool) -> None:
    if value:
        from lccost import __version__

        typer.echo(f"lccost {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Analytical long-context cost calculator for LLM architectures."""


def _new_app() -> typer.Typer:
    """The Typer app with its root callback (``--version``) and no commands yet."""
    new = typer.Typer(
        name="lccost",
        help=(
            "Analytical long-context cost calculator for LLM architectures.\n\n"
            "For a model (a shipped name, a YAML spec or a Hugging Face config.json) at a context "
            "length, batch and dtype: bytes of cache held, FLOPs to prefill and to decode one "
            "token, and bytes moved per decoded token.\n\n"
            "Conventions: 1 multiply-add = 2 FLOPs; GB = 10^9 bytes, GiB = 2^30; 128k = 131072 "
            "tokens; decode at context L = one new token with L tokens cached.\n\n"
            "Examples:\n\n"
            "  lccost list\n\n"
            "  lccost compare gemma-4-e2b deepseek-v4-pro --context 128k\n\n"
            "  lccost compare deepseek-v4-pro deepseek-v4-flash --baseline deepseek-v3.2 "
            "--context 1M --kv-dtype native\n\n"
            "  lccost sweep llama-3.1-8b gemma-4-e4b --context 4k..1M --format csv\n\n"
            "  lccost show gemma-4-e2b --context 128k\n\n"
            "  lccost claims"
        ),
        no_args_is_help=True,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    new.callback()(_root)
    return new


COMMAND_MODULES = {
    "list": "specs",
    "validate": "specs",
    "show": "specs",
    "compare": "costs",
    "sweep": "costs",
    "claims": "claims",
    "import-hf": "hf",
    "verify": "hf",
    "fit": "deploy",
    "hardware": "deploy",
    "schema": "deploy",
}
"""Each command and the module of ``lccost.cli`` that registers it, in ``lccost --help``'s
order (``tests/test_cli.py`` holds it to the registrations)."""


def _register(target: typer.Typer, modules: Iterable[str] = COMMAND_MODULES.values()) -> None:
    for module in dict.fromkeys(modules):
        importlib.import_module(f"lccost.cli.{module}").register(target)


def _app_for(args: Sequence[str]) -> typer.Typer:
    """The app to run ``lccost ARGS`` with. typer builds every registered command's parameters
    (their type hints, defaults and converters) on each run, so when the first word names a
    command, only that command is registered, on an app of its own; otherwise (no command, an
    option such as ``--help`` or ``--version`` first, an unknown command) all of them, so the
    listing and the "No such command" message are the full app's."""
    module = COMMAND_MODULES.get(args[0]) if args else None
    if module is None:
        return get_app()
    one = _new_app()
    _register(one, [module])
    one.registered_commands = [c for c in one.registered_commands if c.name == args[0]]
    return one


app = _new_app()
"""The app with every command (``get_app``); ``main`` may run a smaller one."""


@contextmanager
def _without_pydantic_plugins() -> Iterator[None]:
    """No pydantic plugin lookup while the command runs; the caller's setting is kept.

    The first time pydantic builds a validator it looks for plugins in the entry points of
    every installed distribution (``pydantic/plugin/_loader.py``, ``get_plugins``): 40-60 ms of
    a cold command where torch and transformers are installed, more than lccost's own import.
    The CLI's models are lccost's internal values, which no observability plugin is for; typer
    turns the lookup off the same way while it builds its parameters
    (``typer/_adapters.py``, ``disabled_pydantic_plugins``). A user who sets
    ``PYDANTIC_DISABLE_PLUGINS`` keeps their value; the variable is restored afterwards, so a
    caller of ``main`` (the tests) sees its environment unchanged."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ:
        yield
        return
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    try:
        yield
    finally:
        os.environ.pop("PYDANTIC_DISABLE_PLUGINS", None)


def main() -> None:
    """Run the CLI: exit 0 on success, 1 with "Error: ..." for an ``LccostError``, 2 for a usage
    error (click's message); anything else is a bug and keeps its traceback."""
    from lccost.errors import LccostError

    try:
        with _without_pydantic_plugins():
            code = _app_for(sys.argv[1:])(standalone_mode=False, prog_name="lccost")
    except LccostError as error:
        print(f"Error: {user_message(error)}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C at any moment, imports included: no traceback
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except Exception as error:
        usage = _click_error(error)
        if usage is None:
            raise
        if isinstance(getattr(usage, "message", None), str):  # typer words enum choices so
            usage.message = user_message(usage.message)  # never pydantic's prefix
        usage.show()
        sys.exit(usage.exit_code)
    # Without standalone mode, click returns the code of an exit it handled itself (--help: 0,
    # Ctrl-C: 130) instead of exiting.
    if isinstance(code, int) and not isinstance(code, bool):
        if code == 130:  # click turned a Ctrl-C inside a command into this code
            print("Interrupted.", file=sys.stderr)
        sys.exit(code)


def user_message(error: Exception | str) -> str:
    """An error's text as the user should see it: pydantic's "Value error, " prefix dropped,
    control characters (from a file name or a spec's text) written as ``\\xNN`` escapes."""
    from lccost.render.formats import printable

    return printable(str(error).replace("Value error, ", ""))


def _click_error(error: Exception) -> Any:
    """``error`` if it is a click usage or parameter error (which knows how to ``show`` itself
    and its exit code), else ``None``. typer >= 0.22 vendors click as ``typer._click``, whose
    errors derive from ``typer.TyperException`` (click itself is no dependency any more)."""
    if (
        isinstance(error, typer.TyperException)
        and hasattr(error, "show")
        and hasattr(error, "exit_code")
    ):
        return error
    return None


def get_app() -> typer.Typer:
    """The app with every command registered (for tests: ``CliRunner().invoke(get_app(), ...)``)."""
    if not app.registered_commands:
        _register(app)  # once, however often main runs in one process
    return app
