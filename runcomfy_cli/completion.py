"""``runcomfy completion bash|zsh|fish``: shell completion scripts, read off the parser itself.

No completion library: the scripts are written from the argparse tree (commands, their options,
which options take a value, which values are files or choices) plus the generated model ids and
each model's field options, so what completes is exactly what parses. Catalog-only models are
not listed (completion must not call the network). zsh runs the bash script through its
``bashcompinit``.

Install::

    runcomfy completion bash > ~/.local/share/bash-completion/completions/runcomfy
    echo 'eval "$(runcomfy completion zsh)"' >> ~/.zshrc
    runcomfy completion fish > ~/.config/fish/completions/runcomfy.fish
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from runcomfy_cli.parser import Parser
from runcomfy_runtime.spec import EndpointSpec

FILE_OPTIONS = frozenset({"--token-file", "--input-file", "--out", "--output-dir"})
"""Options whose value is a path: the shell completes file names."""


@dataclass
class Command:
    """One command as the scripts need it."""

    name: str
    help: str
    options: list[str] = field(default_factory=list)
    values: dict[str, list[str]] = field(default_factory=dict)  # option -> its choices ([]: any)
    subcommands: dict[str, str] = field(default_factory=dict)
    positional: str = ""  # "model", "choices", "file" or "" (an id, nothing to offer)
    choices: list[str] = field(default_factory=list)


def _options(parser: argparse.ArgumentParser, command: Command) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                command.subcommands[name] = _help_of(action, name)
                _options(child, command)  # a subcommand's options complete after it too
            continue
        if not action.option_strings:
            continue
        for option in action.option_strings:
            if option not in command.options:
                command.options.append(option)
            if action.nargs != 0:
                command.values[option] = [str(c) for c in action.choices or []]


def _help_of(action: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> str:
    for choice in action._choices_actions:
        if choice.dest == name:
            return str(choice.help or "")
    return ""


def commands_of(parser: Parser) -> list[Command]:
    found = []
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, child in parser.commands.items():
        command = Command(name, _help_of(top, name))
        _options(child, command)
        positionals = [a for a in child._actions if not a.option_strings and a.dest != "help"]
        dests = [a.dest for a in positionals]
        if "model" in dests:
            command.positional = "model"
        elif positionals and positionals[0].choices and not command.subcommands:
            command.positional = "choices"
            command.choices = [str(c) for c in positionals[0].choices]
        found.append(command)
    found.append(Command("emulator", _help_of(top, "emulator")))
    return found


def _globals(parser: Parser) -> Command:
    command = Command("", "")
    for action in parser._actions:
        if action.option_strings:
            for option in action.option_strings:
                command.options.append(option)
                if action.nargs != 0:
                    command.values[option] = [str(c) for c in action.choices or []]
    return command


def field_options(registry: Mapping[str, EndpointSpec]) -> dict[str, list[str]]:
    """Each generated model's field options, as ``run MODEL`` takes them."""
    from runcomfy_cli.options import option_name

    found: dict[str, list[str]] = {}
    for model_id in sorted(registry):
        spec = registry[model_id]
        properties = spec.input_schema.get("properties", {})
        options = []
        for fld in spec.fields:
            name = option_name(fld)
            options.append(name)
            if properties.get(fld.wire_name, {}).get("type") == "boolean":
                options.append("--no-" + name[2:])
        found[model_id] = options
    return found


def script(shell: str, parser: Parser, registry: Mapping[str, EndpointSpec]) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    commands = commands_of(parser)
    top = _globals(parser)
    models = sorted(registry)
    fields = field_options(registry)
    if shell == "fish":
        return _fish(commands, top, models, fields)
    body = _bash(commands, top, models, fields)
    if shell == "zsh":
        return "autoload -U +X bashcompinit && bashcompinit\n" + body
    return body


def _words(items: Sequence[str]) -> str:
    return shlex.quote(" ".join(items))


def _bash(
    commands: list[Command], top: Command, models: Sequence[str], fields: Mapping[str, list[str]]
) -> str:
    values: dict[str, list[str]] = dict(top.values)
    for command in commands:
        values.update(command.values)
    value_cases = []
    for option in sorted(values):
        if option in FILE_OPTIONS:
            value_cases.append(f'        {option}) COMPREPLY=($(compgen -f -- "$cur")); return;;')
        elif values[option]:
            value_cases.append(
                f'        {option}) COMPREPLY=($(compgen -W {_words(values[option])} -- "$cur")); '
                "return;;"
            )
        else:
            value_cases.append(f"        {option}) COMPREPLY=(); return;;")
    skip = " | ".join(sorted(values)) or "--"
    command_cases = []
    for command in commands:
        options = _words(list(dict.fromkeys([*command.options, *top.options])))
        lines = [f"        {command.name})", f"            opts={options}"]
        if command.positional == "model":
            lines.append('            [[ -z "$arg1" ]] && words=$models')
            if command.name == "batch":
                lines.append('            [[ -n "$arg1" && -z "$arg2" ]] && files=1')
            if command.name == "run":
                lines.append('            case "$arg1" in')
                for model_id, options_of in fields.items():
                    quoted = shlex.quote(model_id)
                    lines.append(f'                {quoted}) opts+=" {" ".join(options_of)}";;')
                lines.append("            esac")
        elif command.subcommands:
            subcommands = _words(list(command.subcommands))
            lines.append(f'            [[ -z "$arg1" ]] && words={subcommands}')
        elif command.positional == "choices":
            lines.append(f'            [[ -z "$arg1" ]] && words={_words(command.choices)}')
        lines.append("            ;;")
        command_cases.extend(lines)
    return f"""\
# bash completion for runcomfy (`runcomfy completion bash`)
_runcomfy_complete() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    local prev=""
    (( COMP_CWORD > 0 )) && prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local models={_words(models)}
    local commands={_words([c.name for c in commands])}
    local cmd="" arg1="" arg2="" i w
    for (( i = 1; i < COMP_CWORD; i++ )); do
        w="${{COMP_WORDS[i]}}"
        case "$w" in
            {skip}) (( i++ )); continue;;
            -*) continue;;
        esac
        if [[ -z "$cmd" ]]; then cmd="$w"
        elif [[ -z "$arg1" ]]; then arg1="$w"
        elif [[ -z "$arg2" ]]; then arg2="$w"
        fi
    done
    case "$prev" in
{chr(10).join(value_cases)}
    esac
    local opts={_words(top.options)} words="" files=""
    if [[ -z "$cmd" ]]; then
        words=$commands
    else
        case "$cmd" in
{chr(10).join(command_cases)}
        esac
    fi
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ -n "$files" ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
}}
complete -o default -F _runcomfy_complete runcomfy
"""


def _fish(
    commands: list[Command], top: Command, models: Sequence[str], fields: Mapping[str, list[str]]
) -> str:
    lines = [
        "# fish completion for runcomfy (`runcomfy completion fish`)",
        "complete -c runcomfy -f",
    ]

    def option_lines(options: Command, condition: str) -> None:
        for option in options.options:
            if not option.startswith("--"):
                short = option.lstrip("-")
                lines.append(f"complete -c runcomfy {condition} -s {short}")
                continue
            flag = f"-l {shlex.quote(option[2:])}"
            takes = option in options.values
            extra = ""
            if option in FILE_OPTIONS:
                extra = " -r -F"
            elif takes and options.values[option]:
                extra = f" -x -a {_words(options.values[option])}"
            elif takes:
                extra = " -x"
            lines.append(f"complete -c runcomfy {condition} {flag}{extra}")

    option_lines(top, "")
    for command in commands:
        lines.append(
            f"complete -c runcomfy -n '__fish_use_subcommand' -a {command.name} "
            f"-d {shlex.quote(command.help)}"
        )
        seen = f"-n '__fish_seen_subcommand_from {command.name}'"
        option_lines(command, seen)
        if command.positional == "model":
            lines.append(f"complete -c runcomfy {seen} -a {_words(models)}")
        for sub, text in command.subcommands.items():
            lines.append(f"complete -c runcomfy {seen} -a {sub} -d {shlex.quote(text)}")
        if command.positional == "choices":
            lines.append(f"complete -c runcomfy {seen} -a {_words(command.choices)}")
    for model_id, options in fields.items():
        cond = f"-n '__fish_seen_subcommand_from run; and __fish_seen_subcommand_from {model_id}'"
        for option in options:
            lines.append(f"complete -c runcomfy {cond} -l {option[2:]}")
    return "\n".join(lines) + "\n"
