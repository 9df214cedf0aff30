"""Argument checks of the DAG check (used by :mod:`hugginggpt_tools.dag`; not a public module).

Names each argument after its task type's ArgSpecs (TaskBench's positional arguments, unknown
keys), checks that every value fits its argument's modalities, fills a missing argument from the
one fitting dependency or user file, and makes ``dep`` equal the referenced ids. Pure code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from .artifacts import guess_modality
from .errors import CycleError, DanglingReferenceError, ModalityError, PlanError
from .filekinds import given_modality
from .schemas import MODALITIES, ArgValue, Ref, TextTemplate, arg_refs
from .tasks import TASK_TYPES, ArgSpec, TaskType

_FILE_MODALITIES = ("image", "audio", "video", "table")
_EXTENSIONS = {"image": ".jpg/.png", "audio": ".wav/.mp3/.flac", "video": ".mp4", "table": ".csv"}
_SYNONYMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("question", "query", "prompt", "sentence", "sentence1", "text1", "message",
                     "instruction", "description", "caption", "content"), ("text",)),
    **dict.fromkeys(("input", "inputs", "file", "path", "url", "source"), ("text", "image", "audio")),
    **dict.fromkeys(("sentence2", "othertext", "secondtext"), ("text2",)),
    **dict.fromkeys(("passage", "paragraph", "document", "reference"), ("context", "image")),
    **dict.fromkeys(("img", "picture", "photo", "imagepath", "imageurl", "table"), ("image",)),
    **dict.fromkeys(("speech", "sound", "audiopath", "audiofile", "audiourl"), ("audio",)),
    **dict.fromkeys(("language", "lang", "to", "target", "targetlang", "tgtlang"), ("target_language",)),
    **dict.fromkeys(("from", "sourcelang", "srclang"), ("source_language",)),
}


def literal_modality(value: str) -> str:
    """``image``/``audio``/``video``/``table`` for a file path or http(s) URL with a known
    extension of that kind, else ``text`` (sentences, file names with spaces, unknown extensions)."""
    v = value.strip()
    if not v or len(v) > 2048 or any(c.isspace() for c in v):
        return "text"
    if v.lower().startswith(("http://", "https://")):
        v = urlsplit(v).path
    modality = guess_modality(v)
    return modality if modality in _FILE_MODALITIES else "text"


@dataclass
class Draft:
    """A task while it is being checked: what the planner wrote, normalised step by step."""

    pos: int
    name: str
    raw: Mapping[str, Any]
    type: TaskType | None = None
    id: int = -1
    dep: list[int] = field(default_factory=list)
    stated_dep: list[int] = field(default_factory=list)
    args: dict[str, ArgValue] = field(default_factory=dict)
    positional: list[ArgValue] | None = None

    @property
    def label(self) -> str:
        return f"task {self.id} ({self.type.name if self.type else show(self.name)})"

    def values(self) -> list[tuple[str, ArgValue]]:
        """Every argument as (name, value); positional ones are named ``arguments[i]``."""
        return [*self.args.items(), *((f"arguments[{i}]", v) for i, v in enumerate(self.positional or []))]


class ArgChecker:
    """The argument checks, collecting repairs (``notes``) and ``problems``."""

    def __init__(self, repair: bool, files: Sequence[str]) -> None:
        self.repair = repair
        self.files = [str(f) for f in files]
        self.file_names = {*self.files, *(PurePath(f).name for f in self.files)}
        self.notes: list[str] = []
        self.problems: list[tuple[type[PlanError], str]] = []
        self.by_id: dict[int, Draft] = {}

    def fix(self, kind: type[PlanError], problem: str, note: str | None) -> None:
        """A repair with ``repair`` on (``note`` is kept), else a problem."""
        if not self.repair:
            self.problems.append((kind, problem))
        elif note:
            self.notes.append(note)

    def fail(self, kind: type[PlanError], problem: str) -> None:
        self.problems.append((kind, problem))

    def _modalities(self, value: ArgValue) -> set[str]:
        """What a value can be: a producer's outputs, text, or a literal's file kind."""
        if isinstance(value, Ref):
            producer = self.by_id.get(value.task_id)
            return set(producer.type.outputs if producer and producer.type else MODALITIES)
        if isinstance(value, TextTemplate):
            return {"text"}
        return {self._literal(value)}

    def _literal(self, value: str) -> str:
        if value.strip() in self.file_names:  # a given file with no suffix ("scan") by its content
            modality = given_modality(value.strip()) or guess_modality(value.strip())
            return modality if modality in _FILE_MODALITIES else "text"
        return literal_modality(value)

    def _map_args(self, d: Draft) -> None:
        """Name every argument after one of the task type's ArgSpecs."""
        t = d.type
        named = {k: v for k, v in d.args.items() if t.arg(k)}
        if d.positional is not None:
            named = self._map_positional(d)
        for key, value in d.args.items():
            if t.arg(key):
                continue
            slot = self._rename_target(t, key, value, named)
            problem = f"{d.label}: unknown argument {key!r} = {show(value)}; {t.name} takes {_signature(t)}"
            if slot:
                self.fix(PlanError, f"{problem}; fix: rename it to {slot.name!r}",
                         f"{d.label}: renamed argument {key!r} to {slot.name!r}")
                named[slot.name] = value
            else:
                self.fix(PlanError, f"{problem}; fix: remove it or give it one of those names", f"{d.label}: "
                         f"dropped argument {key!r} = {show(value)} (no free argument of {t.name} fits it)")
        d.args = {s.name: named[s.name] for s in t.args if s.name in named}
        d.positional = None

    def _rename_target(self, t: TaskType, key: str, value: ArgValue, named: Mapping[str, Any]) -> ArgSpec | None:
        """The free ArgSpec an unknown key means: same name in another spelling, a synonym, or the
        only free one its value's modality fits."""
        mods = self._modalities(value)
        fits = [s for s in t.args if s.name not in named and mods & set(s.modalities)]
        wanted = _key(key)
        for name in ([s.name for s in fits if _key(s.name) == wanted] + list(_SYNONYMS.get(wanted, ()))):
            if any(s.name == name for s in fits):
                return t.arg(name)
        return fits[0] if len(fits) == 1 else None

    def _map_positional(self, d: Draft) -> dict[str, ArgValue]:
        """TaskBench's positional arguments by ArgSpec order, else (repairing) by modality."""
        values, slots = d.positional or [], d.type.args
        fit = all(self._modalities(v) & set(s.modalities) for v, s in zip(values, slots))
        if fit and len(values) <= len(slots):
            return {s.name: v for s, v in zip(slots, values)}
        if not self.repair:
            if len(values) > len(slots):
                self.fail(PlanError, f"{d.label}: {len(values)} arguments {', '.join(map(show, values))}, but "
                          f"{d.type.name} takes {_signature(d.type)}; fix: remove the extra ones")
            return {s.name: v for s, v in zip(slots, values)}
        named: dict[str, ArgValue] = {}
        free = sorted(range(len(values)), key=lambda i: (not isinstance(values[i], Ref), i))
        for s in slots:
            pick = next((i for i in free if self._modalities(values[i]) & set(s.modalities)), None)
            if pick is not None:
                named[s.name] = values[pick]
                free.remove(pick)
        shown = ", ".join(f"{k}={show(v)}" for k, v in named.items())
        left = ", ".join(show(values[i]) for i in sorted(free))
        dropped = f"; dropped {left} (no argument fits)" if free else ""
        self.notes.append(f"{d.label}: matched its arguments by modality: {shown}{dropped}")
        return named

    def _check_args(self, d: Draft) -> None:
        """Check each argument's modality, fill missing ones, and make dep equal the references."""
        referenced = {r for v in d.args.values() for r in refs_of(v)}
        spare = self._spare_deps(d, [x for x in d.dep if x not in referenced])
        for slot in d.type.args:
            value = d.args.get(slot.name)
            if value is not None:
                self._check_value(d, slot, value)
            elif slot.required:
                self._fill(d, slot, spare)
        for x in spare if referenced <= self.by_id.keys() else []:
            self.fix(PlanError, f"{d.label}: dep lists {x}, but no argument uses <resource>-{x}; fix: use it in "
                     f"an argument or remove {x} from dep", f"{d.label}: removed {x} from dep (no argument uses "
                     "its output)")
        used = dict.fromkeys(r for v in d.args.values() for r in refs_of(v))
        refs = [r for r in used if r in self.by_id and r != d.id]
        for r in refs:
            if r not in d.dep and "dep" in d.raw:
                self.fix(PlanError, f"{d.label}: an argument uses <resource>-{r}, but dep does not list {r}; fix: "
                         f"add {r} to dep", f"{d.label}: added {r} to dep (an argument uses its output)")
        d.dep = refs

    def _spare_deps(self, d: Draft, spare: list[int]) -> list[int]:
        """The unreferenced dep entries that name another existing task (others are dropped)."""
        for x in [x for x in spare if x == d.id or x not in self.by_id]:
            if x == d.id:
                self.fix(CycleError, f"{d.label}: dep lists its own id {x}; fix: remove it (a task cannot use "
                         "its own output)", f"{d.label}: removed its own id {x} from dep")
            else:
                self.fix(DanglingReferenceError, f"{d.label}: dep lists {x}, but there is no task {x}; fix: remove "
                         "it from dep", f"{d.label}: removed {x} from dep (no such task)")
            spare.remove(x)
        return spare

    def _fill(self, d: Draft, slot: ArgSpec, spare: list[int]) -> None:
        """Fill a missing argument from the one fitting spare dep, else the one fitting user file."""
        deps = [x for x in spare if self._modalities(Ref(task_id=x)) & set(slot.modalities)]
        user = [f for f in self.files if self._literal(f) in slot.modalities]
        need = f"{d.label}: missing argument {slot.name!r} ({slot.description})"
        if len(deps) == 1:
            spare.remove(deps[0])
            d.args[slot.name] = Ref(task_id=deps[0])
            self.fix(ModalityError, f"{need}; fix: set \"{slot.name}\": \"<resource>-{deps[0]}\" (dep lists task "
                     f"{deps[0]})", f"{d.label}: filled missing argument {slot.name!r} with <resource>-{deps[0]} "
                     "from dep")
        elif not deps and len(user) == 1:
            d.args[slot.name] = user[0]
            self.fix(ModalityError, f"{need}; fix: set \"{slot.name}\": \"{user[0]}\" (the user's file)",
                     f"{d.label}: filled missing argument {slot.name!r} with the user's file {user[0]!r}")
        else:
            why = f"; dep lists {deps}, any of which could be meant" if deps else (
                f"; the user gave several {slot.modality} files {user}" if user else "")
            producers = [p.id for p in self.by_id.values() if p is not d and p.type
                         and set(p.type.outputs) & set(slot.modalities)]
            hint = f" (tasks here that output {slot.modality}: {producers})" if producers else ""
            self.fail(ModalityError, f"{need}{why}; fix: set \"{slot.name}\" to {_how(slot)}{hint}")

    def _check_value(self, d: Draft, slot: ArgSpec, value: ArgValue) -> None:
        """A referenced output, embedded reference or literal must fit the slot's modalities."""
        wanted = "/".join(slot.modalities)
        if isinstance(value, Ref):
            p = self.by_id.get(value.task_id)
            if p and p.type and p is not d and not set(p.type.outputs) & set(slot.modalities):
                self.fail(ModalityError, f"{d.label}: argument {slot.name!r} is <resource>-{p.id}, the output of "
                          f"{p.label}, which is {'/'.join(p.type.outputs)}, but {slot.name!r} needs {wanted}; "
                          f"fix: {_convert_hint(p.type.outputs, slot)}")
        elif isinstance(value, TextTemplate) and "text" not in slot.modalities:
            self.fail(ModalityError, f"{d.label}: argument {slot.name!r} needs one {wanted} file, got the text "
                      f"{show(value)}; fix: set it to exactly <resource>-K or a file path or URL")
        elif isinstance(value, TextTemplate):
            for r in value.refs():
                p = self.by_id.get(r.task_id)
                if p and p.type and p is not d and "text" not in p.type.outputs:
                    self.fail(ModalityError, f"{d.label}: argument {slot.name!r} embeds <resource>-{p.id} in text, "
                              f"but {p.label} outputs {'/'.join(p.type.outputs)}, not text; "
                              f"fix: {_convert_hint(p.type.outputs, slot)}")
        elif "text" not in slot.modalities and self._literal(value) not in slot.modalities:
            kind = self._literal(value)
            got = f"{_a(kind)} file" if kind != "text" else "text, not a file path or URL"
            self.fail(ModalityError, f"{d.label}: argument {slot.name!r} needs {_a(wanted)} file, got "
                      f"{show(value)} ({got}); fix: set it to {_how(slot)}")


def refs_of(value: ArgValue) -> list[int]:
    return [r.task_id for r in arg_refs(value)] if isinstance(value, (Ref, TextTemplate)) else []


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def show(value: Any, limit: int = 60) -> str:
    text = repr(str(value) if isinstance(value, (Ref, TextTemplate)) else value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _signature(t: TaskType) -> str:
    return ", ".join(f"{a.name} ({'/'.join(a.modalities)}{'' if a.required else ', optional'})" for a in t.args)


def _how(slot: ArgSpec) -> str:
    if "text" in slot.modalities:
        return 'the text itself, or "<resource>-K" for the output of an earlier task K that outputs text'
    kinds = [m for m in slot.modalities if m in _FILE_MODALITIES]  # the main one first: "audio or video"
    ends = " or ".join(_EXTENSIONS[m] for m in kinds)
    return (f"the path or URL of {_a(' or '.join(kinds))} file the user gave (ending {ends}), "
            f'or "<resource>-K" for an earlier task K that outputs {" or ".join(kinds)}')


def _convert_hint(outputs: Sequence[str], slot: ArgSpec) -> str:
    converters = [t.name for t in TASK_TYPES.values()
                  if set(t.args[0].modalities) & set(outputs) and set(t.outputs) & set(slot.modalities)]
    insert = f"insert a task that turns it into {slot.modality} (e.g. {', '.join(converters[:2])}) and use its " \
        "output, or " if converters else ""
    return f"{insert}reference a task that outputs {slot.modality}"


__all__ = ["ArgChecker", "Draft", "literal_modality", "refs_of", "show"]
