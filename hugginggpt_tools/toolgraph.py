"""A tool graph: the tools a planner may use, each a task type with its input and output types.

TaskBench describes its tools in ``tool_desc.json``: ``{"nodes": [{"id": "Image Editing",
"desc": "...", "input-type": ["text", "image"], "output-type": ["image"]}]}``. Each tool maps to
a task type of the registry (:mod:`hugginggpt_tools.tasks`) by its name or an alias; several
tools may share one task type ("Image-to-Image" and "Image Editing" are both ``image-to-image``,
the second with an instruction text). Planners plan in task types; :meth:`ToolGraph.name_for`
names a planned task after the graph's tool whose input types its arguments fill, and
:meth:`ToolGraph.to_taskbench` writes a plan in TaskBench's prediction format. Pure code.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dag_args import literal_modality
from .errors import ConfigError, InputError
from .schemas import ArgValue, Plan, Ref, Task, TextTemplate, arg_refs
from .tasks import TASK_TYPES, ArgSpec, find_task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tool:
    """One tool: its name, the registry task type it runs, its input and output types."""

    name: str
    task: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    description: str = ""

    @property
    def output_type(self) -> str:
        """The first output type, as TaskBench names a reference argument ("none" when no output)."""
        return self.outputs[0] if self.outputs else "none"


def _registry_tool(name: str) -> Tool:
    t = TASK_TYPES[name]
    inputs = tuple(a.modality for a in t.args if a.required)
    return Tool(name, name, inputs, t.outputs, t.description)


class ToolGraph:
    """The tools a planner may use; by default every registered task type.

    Args:
        tools: the tools, each mapped to a registry task type.
        unmapped: names of tools that were left out because no task type matches them.
    """

    def __init__(self, tools: Sequence[Tool], unmapped: Sequence[str] = ()) -> None:
        if not tools:
            raise ConfigError("A tool graph needs at least one tool; give tools whose names are task types "
                              f"or their aliases (e.g. {', '.join(list(TASK_TYPES)[:3])}).")
        self.tools: tuple[Tool, ...] = tuple(tools)
        self.unmapped: tuple[str, ...] = tuple(unmapped)
        self._by_name = {t.name: t for t in self.tools}
        self._by_key = {t.name.lower().replace("_", " "): t for t in self.tools}

    @classmethod
    def from_registry(cls) -> ToolGraph:
        """One tool per registered task type, named by its pipeline tag."""
        return cls([_registry_tool(name) for name in TASK_TYPES])

    @classmethod
    def from_taskbench(cls, data: Mapping[str, Any]) -> ToolGraph:
        """The graph of a parsed TaskBench ``tool_desc.json`` (``{"nodes": [...]}``)."""
        nodes = data.get("nodes") if isinstance(data, Mapping) else None
        if not isinstance(nodes, list):
            raise ConfigError("A TaskBench tool description is an object with a 'nodes' list of "
                              '{"id", "desc", "input-type", "output-type"}; got ' f"{type(data).__name__}.")
        tools, unmapped = [], []
        for node in nodes:
            tool = _taskbench_tool(node)
            if tool is None:
                unmapped.append(str(node.get("id") if isinstance(node, Mapping) else node))
            else:
                tools.append(tool)
        if unmapped:
            logger.warning("Tools with no matching task type were left out: %s (task types: %s)",
                           ", ".join(unmapped), ", ".join(TASK_TYPES))
        return cls(tools, unmapped)

    @classmethod
    def load(cls, path: str | Path) -> ToolGraph:
        """The graph in a TaskBench ``tool_desc.json`` (or ``graph_desc.json``) file."""
        try:
            data = json.loads(Path(path).read_text("utf-8"))
        except OSError as exc:
            raise InputError(f"Cannot read the tool graph {str(path)!r}: {exc.strerror}.") from exc
        except json.JSONDecodeError as exc:
            raise InputError(f"The tool graph {str(path)!r} is not JSON ({exc.msg}, line {exc.lineno}).") from exc
        return cls.from_taskbench(data)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tools]

    @property
    def tasks(self) -> frozenset[str]:
        """The registry task types the graph's tools run."""
        return frozenset(t.task for t in self.tools)

    def tool(self, name: str) -> Tool | None:
        """The tool called ``name`` (exact, else ignoring case and ``_``), or None."""
        return self._by_name.get(name) or self._by_key.get(name.lower().replace("_", " "))

    def tools_for(self, task: str) -> list[Tool]:
        """The graph's tools that run the registry task type ``task``."""
        return [t for t in self.tools if t.task == task]

    def task_for(self, name: str) -> str | None:
        """The registry task type that a tool name (or a task type name or alias) means."""
        tool = self.tool(name)
        if tool is not None:
            return tool.task
        found = find_task(name)
        return found.name if found else None

    def name_for(self, task: Task) -> str:
        """The graph's name for a planned task: among its type's tools, the one whose input types
        the task's arguments fill best; the task type itself when the graph has no such tool."""
        tools = self.tools_for(task.task)
        if len(tools) <= 1:
            return tools[0].name if tools else task.task
        given = Counter(_arg_modality(task, name) for name in task.args)
        return max(tools, key=lambda t: (_overlap(given, Counter(t.inputs)) - abs(len(t.inputs) - sum(given.values())),
                                         -tools.index(t))).name

    def to_taskbench(self, plan: Plan, request_id: Any = None) -> dict[str, Any]:
        """``plan`` in TaskBench's prediction format: ``{"id", "task_nodes", "task_links"}``.

        Each node is ``{"task": tool name, "arguments": [...]}`` with the arguments in the
        tool's input order; the output of node k is written ``<node-k>``.
        """
        position = {t.id: k for k, t in enumerate(plan.tasks)}
        names = [self.name_for(t) for t in plan.tasks]
        nodes, links = [], []
        for task, name in zip(plan.tasks, names):
            values = [_render(v, position) for v in self._ordered_args(task, name)]
            nodes.append({"task": name, "arguments": values})
            for ref in task.references():
                if ref in position:
                    links.append({"source": names[position[ref]], "target": name})
        return {"id": request_id, "task_nodes": nodes, "task_links": links}

    def outputs(self, task: str) -> tuple[str, ...]:
        """What the graph's tools for the registry task type ``task`` output (all of them; none for
        a tool that lists no output, such as TaskBench's Sentence Similarity, whose score no other
        tool takes); the registry's outputs for a type the graph has no tool for."""
        tools = self.tools_for(task)
        if tools:
            return tuple(dict.fromkeys(m for t in tools for m in t.outputs))
        return TASK_TYPES[task].outputs if task in TASK_TYPES else ()

    def spec_lines(self) -> str:
        """Every tool as a planning prompt lists it: ``- name(argument: modality, ...) -> outputs: description``,
        an argument's modalities those of the graph's tool (TaskBench's speech recognition takes
        audio, though the registry's also takes a video's sound track)."""
        lines = []
        for tool in self.tools:
            specs = _slots(TASK_TYPES[tool.task].args, tool.inputs)
            extra = [s for s in TASK_TYPES[tool.task].args if not s.required and s not in specs]

            def kinds(spec: ArgSpec, inputs: Sequence[str] = tool.inputs) -> str:
                return "/".join([m for m in spec.modalities if m in inputs] or spec.modalities)

            args = ", ".join([f"{s.name}: {kinds(s)}" for s in specs] + [f"{s.name}: {kinds(s)}, optional" for s in extra])
            outputs = "/".join(tool.outputs) or "nothing (a score)"
            lines.append(f"- {tool.name}({args}) -> {outputs}: {' '.join(tool.description.split())}")
        return "\n".join(lines)

    def conform(self, plan: Plan, files: Sequence[str] = ()) -> Plan:
        """``plan`` checked against the graph's types, with the unambiguous fixes applied and noted.

        A task type the graph lacks becomes the graph's only task type with the same input and
        output types (else it stays, noted); an argument that uses an output the graph says does
        not fit it (an object detection's text where an image is needed) is pointed at the only
        earlier task or user file that fits (else it stays, noted).
        """
        notes = list(plan.notes)
        tasks = [self._conform_type(t, notes) for t in plan.tasks]
        done: list[Task] = []
        for task in tasks:
            done.append(self._conform_refs(task, done, files, notes))
        return plan.model_copy(update={"tasks": done, "notes": notes})

    def _conform_type(self, task: Task, notes: list[str]) -> Task:
        if task.task in self.tasks:
            return task
        t = TASK_TYPES[task.task]
        same = sorted({tool.task for tool in self.tools
                       if tool.inputs == tuple(a.modality for a in t.args if a.required)
                       and set(tool.outputs) == set(t.outputs)})
        if len(same) == 1:
            notes.append(f"task {task.id}: {task.task!r} is not in the tool graph; used {same[0]!r}, the only "
                         "task type there with the same input and output types")
            return task.model_copy(update={"task": same[0], "args": _rename_args(task.args, same[0])})
        notes.append(f"task {task.id}: {task.task!r} is not in the tool graph (kept it; no single task type there "
                     "has the same input and output types)")
        return task

    def _conform_refs(self, task: Task, earlier: list[Task], files: Sequence[str], notes: list[str]) -> Task:
        args = dict(task.args)
        by_id = {t.id: t for t in earlier}
        for name, value in task.args.items():
            spec = TASK_TYPES[task.task].arg(name)
            if not isinstance(value, Ref) or spec is None or value.task_id not in by_id:
                continue
            if set(self.outputs(by_id[value.task_id].task)) & set(spec.modalities):
                continue
            fitting = [t.id for t in earlier if set(self.outputs(t.task)) & set(spec.modalities)]
            user = [f for f in files if literal_modality(f) in spec.modalities]
            why = f"task {task.id}: argument {name!r} uses task {value.task_id}'s output, which the tool graph " \
                f"says is {'/'.join(self.outputs(by_id[value.task_id].task)) or 'nothing'}, not {spec.modality}"
            if len(fitting) == 1:
                args[name] = Ref(task_id=fitting[0])
                notes.append(f"{why}; used task {fitting[0]}'s output instead")
            elif not fitting and len(user) == 1:
                args[name] = user[0]
                notes.append(f"{why}; used the user's file {user[0]!r} instead")
            else:
                notes.append(f"{why} (left as it is: no single fitting output)")
        if args == task.args:
            return task
        dep = sorted({r.task_id for v in args.values() for r in arg_refs(v)}) or [-1]
        return task.model_copy(update={"args": args, "dep": dep})

    def _ordered_args(self, task: Task, name: str) -> list[ArgValue]:
        """The task's argument values in the order of the tool's input types (extras left out)."""
        tool = self.tool(name)
        specs = [s for s in TASK_TYPES[task.task].args if s.name in task.args]
        if tool is None:
            return [task.args[s.name] for s in specs]
        return [task.args[s.name] for s in _slots(specs, tool.inputs)]


def _taskbench_tool(node: Any) -> Tool | None:
    if not isinstance(node, Mapping) or not isinstance(node.get("id"), str):
        raise ConfigError(f"A tool graph node must be an object with an 'id' name; got {node!r}.")
    found = find_task(node["id"])
    if found is None:
        return None
    inputs = tuple(str(x) for x in node.get("input-type") or found.inputs)
    outputs = tuple(str(x) for x in node.get("output-type") or ())
    return Tool(node["id"], found.name, inputs, outputs, str(node.get("desc") or found.description))


def _slots(specs: Sequence[ArgSpec], inputs: Sequence[str]) -> list[ArgSpec]:
    """The ArgSpecs that fill a tool's input types, in the tool's order."""
    free, slots = list(specs), []
    for modality in inputs:
        spec = next((s for s in free if modality in s.modalities), None)
        if spec is not None:
            slots.append(spec)
            free.remove(spec)
    return slots or [s for s in specs if s.required]


def _rename_args(args: Mapping[str, ArgValue], task: str) -> dict[str, ArgValue]:
    """``args`` named after ``task``'s ArgSpecs, in order, where the names differ."""
    specs = TASK_TYPES[task].args
    return {(specs[i].name if i < len(specs) and not TASK_TYPES[task].arg(k) else k): v
            for i, (k, v) in enumerate(args.items())}


def _arg_modality(task: Task, name: str) -> str:
    spec = TASK_TYPES[task.task].arg(name)
    return spec.modality if spec else "text"


def _overlap(a: Counter[str], b: Counter[str]) -> int:
    return sum((a & b).values())


def _render(value: ArgValue, position: Mapping[int, int]) -> str:
    if isinstance(value, Ref):
        return f"<node-{position.get(value.task_id, value.task_id)}>"
    if isinstance(value, TextTemplate):
        return "".join(_render(p, position) if isinstance(p, Ref) else p for p in value.parts)
    return value


__all__ = ["Tool", "ToolGraph"]
