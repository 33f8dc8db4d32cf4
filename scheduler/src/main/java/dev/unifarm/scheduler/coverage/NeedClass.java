package dev.unifarm.scheduler.coverage;

/**
 * What an app needs of one syscall, by its needs sweep (docs/coverage.md, "What an app really needs"):
 * {@code stubbable} — the app passes its workload with the call failing {@code ENOSYS}; {@code fakeable} — only with
 * the call returning 0 without running; {@code required} — with neither; {@code untried} — no verdict (never
 * injected, see {@code NeedsSweep.NOT_TRIED}, or left when the sweep hit its limit).
 */
public enum NeedClass {
    required, fakeable, stubbable, untried
}
