"""The DAG check: validate and repair a planner's task list against the task registry.

Pure functions, no I/O. :func:`check_plan` turns a planner's output (HuggingGPT's task list,
TaskBench's ``task_nodes`` or typed :class:`~hugginggpt_tools.schemas.Task` objects) into a
:class:`~hugginggpt_tools.schemas.Plan`: canonical task types in an order where every task comes
after the tasks it uses, references parsed into :class:`Ref` values, ``dep`` equal to the
referenced ids. Unambiguous mistakes are repaired and noted in ``Plan.notes``; the rest raise a
:class:`~hugginggpt_tools.errors.PlanError` subclass whose ``problems`` hold one correction per
problem, written to be sent back to the LLM.
"""

from __future__ import annotations

import difflib
import heapq
import logging
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .dag_args import ArgChecker, Draft, literal_modality, refs_of, show
from .errors import CycleError, DanglingReferenceError, DuplicateTaskIdError, PlanError, UnknownTaskError
from .schemas import ArgValue, Plan, Ref, Task, TextTemplate
from .tasks import TASK_TYPES, TaskType, find_task

logger = logging.getLogger(__name__)

_KINDS = "resource|generated|node|output|task"
_REF = re.compile(rf"<\s*(?:{_KINDS})\s*(?:>\s*[-_]\s*(\d+)|[-_]\s*(\d+)\s*>)", re.IGNORECASE)
_LOOSE_REF = re.compile(rf"<\s*(?:{_KINDS})\b(?:[^<>]{{0,40}}>(?:\s*[-_]\s*\w+)?|\s*[-_]\s*\d+)", re.IGNORECASE)
_LIST_KEYS = ("tasks", "task_nodes", "plan")


def parse_reference(value: str) -> ArgValue:
    """Parse an argument string into a :class:`Ref`, a :class:`TextTemplate` or the string itself.

    A reference is written ``<resource>-K``, ``<GENERATED>-K``, ``<resource-K>``,
    ``<GENERATED-K>``, ``<node-K>`` (TaskBench), ``<output-K>`` or ``<task-K>``, in any case,
    with optional spaces (``-`` or ``_`` before K). A string that is one reference becomes a
    ``Ref``; references inside other text make a ``TextTemplate``.
    """
    whole = reference_id(value)
    if whole is not None:
        return Ref(task_id=whole)
    parts: list[Ref | str] = []
    last = 0
    for match in _REF.finditer(value):
        if match.start() > last:
            parts.append(value[last:match.start()])
        parts.append(Ref(task_id=_ref_id(match)))
        last = match.end()
    if not parts:
        return value
    if last < len(value):
        parts.append(value[last:])
    return TextTemplate(parts=parts)


def reference_id(value: str) -> int | None:
    """K when ``value`` is one whole reference, in any spelling :func:`parse_reference` reads
    (``"<resource>-3"``, ``" <node-3> "``), else None (``"a.png"``, ``"see <resource>-3"``)."""
    whole = _REF.fullmatch(value.strip())
    return _ref_id(whole) if whole else None


def reference_ids(value: str) -> list[int]:
    """Every K that ``value`` refers to, whole or inside other text (``"<resource>-0 and
    <resource>-2"``: [0, 2]), in order of appearance."""
    return [_ref_id(match) for match in _REF.finditer(value)]


def renumber_references(value: str, new_id: Callable[[int], int]) -> str:
    """``value`` with each reference to K written ``<resource>-{new_id(K)}``."""
    return _REF.sub(lambda match: f"<resource>-{new_id(_ref_id(match))}", value)


def _ref_id(match: re.Match[str]) -> int:
    return int(match.group(1) or match.group(2))


def topological_order(tasks: Sequence[Task]) -> list[int]:
    """Task ids in an order where each task comes after those it uses (``dep`` and references).

    Stable: keeps the list order wherever the dependencies allow it. Raises
    :class:`DuplicateTaskIdError`, :class:`DanglingReferenceError` or :class:`CycleError`.
    """
    ids = [t.id for t in tasks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DuplicateTaskIdError(f"Task ids {duplicates} are used by more than one task; ids must be unique.")
    preds = {t.id: {x for x in (*t.dep, *t.references()) if x != -1} for t in tasks}
    dangling = [f"task {t} depends on task {x}, which does not exist" for t in ids for x in sorted(preds[t])
                if x not in preds]
    if dangling:
        raise DanglingReferenceError("; ".join(dangling), problems=dangling)
    order, cycles = toposort(ids, preds)
    if cycles:
        problems = [f"tasks {' -> '.join(map(str, c))} form a cycle" for c in cycles]
        raise CycleError("; ".join(problems), problems=problems)
    return order


def dependants(plan: Plan, task_id: int) -> set[int]:
    """Ids of every task that uses ``task_id``'s output, directly or through other tasks.

    Raises ``KeyError`` when the plan has no task ``task_id``.
    """
    plan.task(task_id)
    return descendants({t.id: {*t.dep, *t.references()} for t in plan.tasks}, task_id)


def descendants(preds: Mapping[int, Iterable[int]], node: int) -> set[int]:
    """The nodes that use ``node``, directly or through other nodes; ``preds`` maps each node to
    the nodes it uses. ``node`` itself is left out, also when a cycle leads back to it."""
    users: dict[int, set[int]] = defaultdict(set)
    for n, used in preds.items():
        for p in used:
            users[p].add(n)
    found: set[int] = set()
    stack = [node]
    while stack:
        for user in users[stack.pop()] - found:
            found.add(user)
            stack.append(user)
    found.discard(node)
    return found


MAX_TASKS = 64
"""Most tasks a plan may hold (:func:`check_plan`'s default ``max_tasks``)."""


def check_plan(
    raw: Any, *, repair: bool = True, files: Sequence[str] = (), max_tasks: int = MAX_TASKS,
    planner: str = "", confidence: float | None = None,
) -> Plan:
    """Validate (and with ``repair``, repair) a planner's task list; return a valid :class:`Plan`.

    ``raw`` is a Plan, a list of Task, a list of dicts in HuggingGPT's format (``task``, ``id``,
    ``dep``, ``args`` by name) or TaskBench's (``task``, ``arguments`` by position, ids = list
    positions), or a dict holding such a list under ``tasks``, ``task_nodes`` or ``plan``.
    ``files`` are the user's files, used to fill a missing file argument when exactly one file
    of that modality exists. Each repair is noted in ``Plan.notes``; with ``repair=False`` each
    would-be repair is a problem instead. Raises the most specific :class:`PlanError` subclass
    that covers every problem found, with ``problems`` holding one correction per problem.
    """
    notes: list[str] = []
    if isinstance(raw, Plan):
        planner = planner or raw.planner
        confidence = raw.confidence if confidence is None else confidence
        notes = list(raw.notes)
    items = _task_list(raw, repair, notes)
    if len(items) > max_tasks:
        raise PlanError(f"The plan has {len(items)} tasks, more than the limit of {max_tasks}; "
                        "fix: plan fewer, larger steps (or raise max_tasks).")
    checker = _Checker(repair, files)
    tasks = checker.run(items) if items else []
    for note in checker.notes:
        logger.debug("Plan repaired: %s", note)
    return Plan(tasks=tasks, planner=planner, confidence=confidence, notes=notes + checker.notes)


def _task_list(raw: Any, repair: bool, notes: list[str]) -> list[Any]:
    """The list of task items in ``raw``; :class:`PlanError` for anything that holds none."""
    if isinstance(raw, Plan):
        return list(raw.tasks)
    if isinstance(raw, (list, tuple)):
        return list(raw)
    if isinstance(raw, Mapping):
        for key in _LIST_KEYS:
            if isinstance(raw.get(key), (list, tuple, Mapping)):
                return _task_list(raw[key], repair, notes)
        if "task" in raw and repair:
            notes.append("the plan was a single task object, not a list; wrapped it in a list")
            return [raw]
        raise PlanError(f"Expected a list of tasks, got an object with keys {sorted(map(str, raw))}; "
                        f"fix: answer with a JSON list of tasks, or an object with the list under 'tasks'.")
    kind = "text (parse it into JSON first)" if isinstance(raw, str) else type(raw).__name__
    raise PlanError(f"Expected a list of tasks, got {kind}: {show(raw)}; fix: answer with a JSON list of tasks "
                    'such as [{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}}].')


class _Checker(ArgChecker):
    """Checks the plan's structure (items, ids, types, references, order) and its arguments."""

    def run(self, items: list[Any]) -> list[Task]:
        drafts = [d for i, item in enumerate(items) if (d := self._draft(i, item))]
        ids_ok = self._assign_ids(drafts)
        for d in drafts:
            d.type = self._task_type(d)
            d.dep = d.stated_dep = self._dep(d)
        if ids_ok:
            self._one_based_nodes(drafts)
            for d in drafts:
                self._check_refs(d)
            for d in (d for d in drafts if d.type):
                self._map_args(d)
                self._check_args(d)
            drafts = self._order(drafts)
        if self.problems:
            _raise(self.problems)
        return [Task(id=d.id, task=d.type.name, dep=d.dep or [-1], args=d.args,
                     about=d.raw["about"] if isinstance(d.raw.get("about"), str) else None) for d in drafts if d.type]

    def _draft(self, pos: int, item: Any) -> Draft | None:
        if isinstance(item, Task):
            item = {"task": item.task, "id": item.id, "dep": item.dep, "args": dict(item.args), "about": item.about}
        name = item.get("task") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            self.fail(PlanError, f"item {pos} of the plan is {show(item)}, which is not a task (no 'task' name); "
                      f'fix: write it as {{"task": "<task type>", "id": {pos}, "dep": [-1], "args": {{...}}}}')
            return None
        d = Draft(pos, name.strip(), item)
        args = next((item[k] for k in ("args", "arguments", "parameters") if item.get(k) is not None), None)
        if isinstance(args, Mapping):
            d.args = {str(k): v for k, v in ((k, _value(x)) for k, x in args.items()) if v is not None}
        elif args is not None:
            seq = args if isinstance(args, (list, tuple)) else [args]
            d.positional = [v for v in map(_value, seq) if v is not None]
        return d

    def _assign_ids(self, drafts: list[Draft]) -> bool:
        """Set each draft's id; False when ids are too broken to check references."""
        ok = True
        for d in drafts:
            raw, where = d.raw.get("id"), f"task at position {d.pos} ({show(d.name)})"
            d.id = _as_int(raw) if raw is not None else d.pos
            if raw is None and d.positional is None:
                self.fix(PlanError, f"{where} has no id; fix: add \"id\": {d.pos}",
                         f"{where} had no id; used its position {d.pos}")
            elif raw is not None and (d.id is None or d.id < 0):
                self.fail(PlanError, f"{where} has id {raw!r}; fix: ids are distinct integers 0, 1, 2, ...")
                d.id, ok = d.pos, False
            elif raw is not None and not (isinstance(raw, int) and not isinstance(raw, bool)):
                self.fix(PlanError, f"{where} has id {raw!r}; fix: write it as the integer {d.id}",
                         f"{where}: id {raw!r} -> {d.id}")
        return self._deduplicate(drafts) and ok

    def _deduplicate(self, drafts: list[Draft]) -> bool:
        """Renumber tasks sharing an id when no reference or dep could mean either of them."""
        groups: dict[int, list[Draft]] = defaultdict(list)
        for d in drafts:
            groups[d.id].append(d)
        targets = {r for d in drafts for _, v in d.values() for r in refs_of(v)}
        targets |= {x for d in drafts for x in _parse_dep(d.raw.get("dep"))[0]}
        next_id, ok = max(groups, default=-1) + 1, True
        for task_id, same in groups.items():
            if len(same) < 2:
                continue
            where = ", ".join(f"{d.pos} ({show(d.name)})" for d in same)
            problem = f"tasks at positions {where} share id {task_id}"
            if task_id in targets or not self.repair:
                why = f", and other tasks use <resource>-{task_id}, so which one they mean is ambiguous" \
                    if task_id in targets else ""
                self.fail(DuplicateTaskIdError, f"{problem}{why}; fix: give every task its own id and point "
                          "each reference at the task whose output it uses")
                ok = False
                continue
            for d in same[1:]:
                self.notes.append(f"{problem}; renumbered the one at position {d.pos} to {next_id}")
                d.id, next_id = next_id, next_id + 1
        self.by_id = {d.id: d for d in drafts}
        return ok

    def _task_type(self, d: Draft) -> TaskType | None:
        exact = TASK_TYPES.get(d.name)
        if exact:
            return exact
        found = find_task(d.name)
        if found:
            self.fix(UnknownTaskError, f"{d.label}: {show(d.name)} is not a task type name; fix: write "
                     f'"task": "{found.name}"', f"{d.label}: task type {show(d.name)} -> {found.name!r}")
        else:
            self.fail(UnknownTaskError, f"{d.label}: unknown task type {show(d.name)}{_did_you_mean(d.name)}; "
                      f"valid task types: {', '.join(TASK_TYPES)}; fix: use one of them, or leave the step "
                      "out if none fits")
        return found

    def _dep(self, d: Draft) -> list[int]:
        ids, bad = _parse_dep(d.raw.get("dep"))
        for token in bad:
            self.fix(PlanError, f"{d.label}: dep holds {token!r}, which is not a task id; fix: dep lists the ids "
                     "of the tasks whose outputs this task uses, or [-1]", f"{d.label}: dropped {token!r} from dep")
        return ids

    def _one_based_nodes(self, drafts: list[Draft]) -> None:
        """Shift TaskBench's ``<node-K>`` by one when the plan counts its nodes from 1: read from 0,
        some task uses itself or a later one; read from 1, every task uses only earlier ones."""
        if any("id" in d.raw or d.positional is None for d in drafts):
            return
        refs = [(d.id, r) for d in drafts for _, v in d.values() for r in refs_of(v)]
        if all(r < i for i, r in refs) or not all(0 < r <= i for i, r in refs):
            return
        self.fix(CycleError, "the tasks' <node-K> references count from 1 (a task uses <node-K> with K its own "
                 "position); fix: count from 0, so the first task is <node-0>",
                 "the <node-K> references count tasks from 1; read them as <node-(K-1)>")
        for d in drafts:
            d.positional = [_shifted(v) for v in d.positional or []]

    def _check_refs(self, d: Draft) -> None:
        """Every reference names another existing task; no malformed reference is left."""
        valid = ", ".join(map(str, sorted(self.by_id)))
        for name, value in d.values():
            for r in refs_of(value):
                if r == d.id:
                    self.fail(CycleError, f"{d.label}: argument {name!r} uses <resource>-{r}, its own output; "
                              "fix: a task can only use the outputs of other, earlier tasks")
                elif r not in self.by_id:
                    hint = f" (dep lists {d.dep})" if d.dep else ""
                    self.fail(DanglingReferenceError, f"{d.label}: argument {name!r} uses <resource>-{r}, but "
                              f"there is no task {r} (ids: {valid}); fix: reference one of those ids{hint}, or "
                              "give the value itself")
            parts = value.parts if isinstance(value, TextTemplate) else [value]
            texts = [p for p in parts if isinstance(p, str)]
            for bad in (m.group() for t in texts for m in _LOOSE_REF.finditer(_REF.sub("", t))):
                self.fail(DanglingReferenceError, f"{d.label}: argument {name!r} holds {bad!r}, which is not a "
                          "reference; fix: write <resource>-K, where K is the id of the task whose output it uses")

    def _order(self, drafts: list[Draft]) -> list[Draft]:
        """Drafts in a valid order (reordering when repairing); cycles become problems."""
        nodes = [d.id for d in drafts]
        preds = {d.id: {r for _, v in d.values() for r in refs_of(v)} for d in drafts}
        for d in drafts:
            preds[d.id] |= set(d.stated_dep) if not self.repair else set()
            preds[d.id] = {x for x in preds[d.id] if x in self.by_id and x != d.id}
        order, cycles = toposort(nodes, preds)
        for cycle in cycles:
            path = " -> ".join(self.by_id[i].label for i in cycle)
            self.fail(CycleError, f"{path} form a cycle (each uses the output of the one before); fix: "
                      "remove one of these references so the data flows one way")
        if order == nodes or any(kind is CycleError for kind, _ in self.problems):
            return drafts
        pos = {d.id: d.pos for d in drafts}
        for d in drafts:
            for r in sorted(x for x in preds[d.id] if pos[x] > d.pos):
                self.fix(DanglingReferenceError, f"{d.label} uses the output of {self.by_id[r].label}, which "
                         f"comes later in the plan; fix: move task {r} before task {d.id}", None)
        if self.repair:
            self.notes.append(f"reordered the tasks to {order} so each comes after the tasks it uses")
        return [self.by_id[i] for i in order]


def toposort(nodes: list[int], preds: Mapping[int, set[int]]) -> tuple[list[int], list[list[int]]]:
    """``nodes`` in an order where each comes after its ``preds`` (each a subset of ``nodes``),
    and the cycles among the nodes that cannot be placed (left out of the order).

    Stable: Kahn's algorithm taking the earliest ready node (by position in ``nodes``) first, so
    the order is ``nodes`` itself wherever the dependencies allow it.
    """
    pos = {n: i for i, n in enumerate(nodes)}
    waiting = {n: len(preds[n]) for n in nodes}
    users: dict[int, list[int]] = {n: [] for n in nodes}
    for n in nodes:
        for p in preds[n]:
            users[p].append(n)
    ready = [pos[n] for n in nodes if not waiting[n]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        n = nodes[heapq.heappop(ready)]
        order.append(n)
        for u in users[n]:
            waiting[u] -= 1
            if not waiting[u]:
                heapq.heappush(ready, pos[u])
    done = set(order)
    return order, _cycles([n for n in nodes if n not in done], users)


def _cycles(rest: list[int], users: Mapping[int, list[int]]) -> list[list[int]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected group of ``rest``."""
    members = set(rest)
    succ = {n: [u for u in users[n] if u in members] for n in rest}
    reach: dict[int, set[int]] = {}
    for n in rest:
        seen, stack = set(), list(succ[n])
        while stack:
            m = stack.pop()
            if m not in seen:
                seen.add(m)
                stack.extend(succ[m])
        reach[n] = seen
    cycles, covered = [], set()
    for n in rest:
        if n in reach[n] and n not in covered:
            group = {m for m in reach[n] if n in reach[m]}
            covered |= group
            cycles.append(_cycle_through(n, succ, group))
    return cycles


def _cycle_through(start: int, succ: Mapping[int, list[int]], group: set[int]) -> list[int]:
    """A shortest cycle from ``start`` back to itself inside ``group`` (breadth-first)."""
    parent: dict[int, int] = {}
    queue = deque([start])
    while queue:
        n = queue.popleft()
        for u in succ[n]:
            if u == start:
                path = [n]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1] + [start]
            if u in group and u not in parent:
                parent[u] = n
                queue.append(u)
    return [start, start]


def renumbered(value: ArgValue, new_id: Callable[[int], int]) -> ArgValue:
    """``value`` with each reference to task K pointing at task ``new_id(K)`` instead."""
    if isinstance(value, Ref):
        return Ref(task_id=new_id(value.task_id))
    if isinstance(value, TextTemplate):
        return TextTemplate(parts=[Ref(task_id=new_id(p.task_id)) if isinstance(p, Ref) else p for p in value.parts])
    return value


def _shifted(value: ArgValue) -> ArgValue:
    """``value`` with each reference pointing one task earlier."""
    return renumbered(value, lambda task_id: task_id - 1)


MAX_PROBLEMS = 20
"""Problems listed in a PlanError (and sent back to the LLM); the rest are counted."""
_MAX_PROBLEM_CHARS = 2000


def _raise(problems: list[tuple[type[PlanError], str]]) -> None:
    """Raise the most specific class covering all problems, with each problem listed (at most
    :data:`MAX_PROBLEMS`, each at most 2,000 characters, so a huge plan cannot make a huge error)."""
    kinds = {kind for kind, _ in problems}
    messages = [m if len(m) <= _MAX_PROBLEM_CHARS else m[:_MAX_PROBLEM_CHARS - 3] + "..."
                for m in dict.fromkeys(message for _, message in problems)]
    total = len(messages)
    if total > MAX_PROBLEMS:
        rest = total - MAX_PROBLEMS + 1
        messages = messages[:MAX_PROBLEMS - 1] + [f"... and {rest} more problem(s) like these; fix them the same way"]
    kind = kinds.pop() if len(kinds) == 1 else PlanError
    raise kind(f"The plan has {total} problem(s):\n" + "\n".join(f"- {m}" for m in messages), messages)


def _value(raw: Any) -> ArgValue | None:
    """An argument value as a Ref, TextTemplate or string; None for an empty one."""
    if raw is None or isinstance(raw, (Ref, TextTemplate)):
        return raw
    if isinstance(raw, (list, tuple)):
        raw = ", ".join(str(x) for x in raw)
    text = raw.strip() if isinstance(raw, str) else str(raw)
    return parse_reference(text) if text else None


def _as_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
        return int(raw)
    return None


def _parse_dep(raw: Any) -> tuple[list[int], list[str]]:
    """Ids in a loosely written dep (int, list, "[-1]", "0,1", "<resource>-0"), and the bad tokens."""
    if raw is None or isinstance(raw, bool):
        return [], []
    tokens: list[Any] = []
    for item in raw if isinstance(raw, (list, tuple)) else [raw]:
        if isinstance(item, str):
            text = _REF.sub(lambda m: f" {_ref_id(m)} ", item)
            tokens += [t for t in re.split(r"[\s,;\[\]()]+", text) if t]
        else:
            tokens.append(item)
    ids: list[int] = []
    bad: list[str] = []
    for token in tokens:
        value = _as_int(token)
        if value is None or value < -1:
            bad.append(str(token))
        elif value != -1 and value not in ids:
            ids.append(value)
    return ids, bad


def _did_you_mean(name: str) -> str:
    names = {alias.lower(): t.name for t in TASK_TYPES.values() for alias in (t.name, *t.aliases)}
    close = difflib.get_close_matches(name.lower(), list(names), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[c] for c in close))
    return f" (did you mean {' or '.join(repr(s) for s in suggestions)}?)" if suggestions else ""


__all__ = ["MAX_TASKS", "check_plan", "dependants", "descendants", "literal_modality", "parse_reference", "reference_id",
           "reference_ids", "renumber_references", "renumbered", "topological_order", "toposort"]
