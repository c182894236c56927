"""The soak's printed report: plain text with markdown tables, so it pastes into the README."""
import statistics

MIB = 1024 * 1024


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def pick_rows(samples, most, keep):
    """At most `most` samples evenly spread over the run, always with the indexes in keep."""
    if len(samples) <= most:
        return list(range(len(samples)))
    step = (len(samples) - 1) / (most - 1)
    idx = {round(i * step) for i in range(most)} | set(keep)
    return sorted(i for i in idx if 0 <= i < len(samples))


def samples_table(samples, warmup_s, baseline_i, end_i, most=25):
    peak = max(range(len(samples)), key=lambda i: samples[i]["rss_kb"]) if samples else 0
    rows = []
    for i in pick_rows(samples, most, [baseline_i, end_i, peak]):
        s = samples[i]
        mark = []
        if s["t"] <= warmup_s:
            mark.append("warm-up")
        if i == baseline_i:
            mark.append("baseline")
        if i == peak:
            mark.append("peak RSS")
        if i == end_i:
            mark.append("end")
        rows.append([f"{s['t']:.0f}", f"{s['rss_kb'] / 1024:.1f}", f"{s['used'] / MIB:.1f}",
                     s["keys"], s["evicted"], s["expired"], f"{s['ops_s']:.0f}",
                     s["bgsave"] or "", ", ".join(mark)])
    return table(["t s", "RSS MiB", "used_memory MiB", "keys", "evicted", "expired", "commands/s",
                  "bgsave", ""], rows)


def latency_table(hists, t0):
    rows = []
    for cls, h in hists.items():
        if not h.n:
            continue
        rows.append([cls.upper(), h.n, f"{h.percentile_us(50) / 1000:.3f}",
                     f"{h.percentile_us(99) / 1000:.3f}", f"{h.percentile_us(99.9) / 1000:.3f}",
                     f"{h.max_us / 1000:.3f}", f"{h.max_at - t0:.0f}"])
    return table(["class", "commands", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "max at t s"],
                 rows)


def bgsave_summary(bgsaves):
    by_status = {}
    for b in bgsaves:
        by_status[b["status"]] = by_status.get(b["status"], 0) + 1
    done = [b["seconds"] for b in bgsaves if b["status"] == "ok"]
    forks = [b["fork_ms"] for b in bgsaves if b.get("fork_ms") is not None]
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(by_status.items()))
    text = f"{len(bgsaves)} BGSAVE(s): {statuses}"
    if done:
        text += (f"; sent to done {min(done):.2f} / {statistics.median(done):.2f} / "
                 f"{max(done):.2f} s (min / median / max)")
    if forks:
        text += f"; fork {statistics.median(forks):.1f} ms median, {max(forks):.1f} ms max"
    return text
