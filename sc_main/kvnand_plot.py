#!@KVNAND_PYTHON@
"""kvnand-plot: figures and report.md of a kvnand-eval or kvnand-dse output folder.

Usage: kvnand-plot eval DIR [--quiet]    figures/*.png and report.md (and every DSE study in DIR/dse/)
       kvnand-plot dse DIR [--quiet]     heatmap-<design>.png and report.md

It reads only what the C tools wrote (run.json and the CSV files), so it can be re-run on a
finished folder. docs/evaluation.md describes every figure.
"""
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

MS_PER_S = 1e3
MJ_PER_J = 1e3
DPI = 110
PANEL_W = 3.6  # inches per panel
PANEL_H = 2.9
NOT_RAN = {"oom": "OOM", "failed": "failed", "not run": "not run"}
# Stacking order: the phases in the order a decode step runs them (docs/dataflow.md), then
# anything else the report has.
PHASE_ORDER = ["qkv", "logit", "softmax", "attend", "o_proj", "ffn", "lm_head", "kv_write", "npu_other", "transfer",
               "idle"]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def suffix(precision, precisions):
    return "" if len(precisions) == 1 else f"-{precision}"


def row_index(rows):
    return {(r["platform"], r["model"], r["context"], r["precision"]): r for r in rows}


def status_label(row):
    return NOT_RAN.get(row["status"], row["status"]) if row else "missing"


def save(fig, path, quiet):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    if not quiet:
        print(f"kvnand-plot: wrote {path}")


def panel_grid(count, rows=1):
    cols = math.ceil(count / rows)
    fig, axes = plt.subplots(rows, cols, figsize=(PANEL_W * cols, PANEL_H * rows), squeeze=False)
    return fig, [ax for line in axes for ax in line]


def bar_layout(groups, bars):
    width = 0.8 / max(bars, 1)
    return width, lambda g, b: g - 0.4 + width * (b + 0.5)


# ---- kvnand-eval figures ---------------------------------------------------------------------


def throughput_figure(run, rows, precision, path, quiet):
    """(a) tokens/s per model, one bar per platform, one panel per context."""
    index = row_index(rows)
    platforms = [p["name"] for p in run["platforms"]]
    models, contexts = run["models"], run["contexts"]
    fig, axes = panel_grid(len(contexts))
    width, x_of = bar_layout(len(models), len(platforms))
    colors = plt.get_cmap("tab10")
    for ax, context in zip(axes, contexts):
        values = [number(r.get("tokens_per_s")) for r in rows if r["context"] == str(context)
                  and r["precision"] == precision and r["status"] == "ok"]
        values = [v for v in values if v]
        low = min(values) / 4 if values else 0.1
        high = max(values) * 3 if values else 10
        for b, platform in enumerate(platforms):
            for g, model in enumerate(models):
                r = index.get((platform, model, str(context), precision))
                v = number(r.get("tokens_per_s")) if r and r["status"] == "ok" else None
                x = x_of(g, b)
                if v:
                    ax.bar(x, v, width, color=colors(b), label=platform if g == 0 else None)
                else:
                    ax.text(x, low * 1.15, status_label(r), rotation=90, ha="center", va="bottom", fontsize=7,
                            color="dimgray")
        ax.set_yscale("log")
        ax.set_ylim(low, high)
        ax.set_title(f"context {context}", fontsize=10)
        ax.set_xticks(range(len(models)))
        ax.set_xticklabels(models, rotation=30, ha="right", fontsize=8)
        ax.grid(axis="y", which="major", alpha=0.3)
    axes[0].set_ylabel("decode tokens/s (log)")
    handles = [Rectangle((0, 0), 1, 1, color=colors(b)) for b in range(len(platforms))]
    fig.legend(handles, platforms, loc="upper center", ncol=len(platforms), bbox_to_anchor=(0.5, 1.08), frameon=False)
    fig.suptitle(f"Decode throughput ({precision}, {run['tokens']} tokens after the context)", y=1.13)
    save(fig, path, quiet)


def speedup_figure(run, speedups, precision, path, quiet):
    """(b) speed-up over the baseline per model and the geometric mean, one panel per context."""
    others = [p["name"] for p in run["platforms"] if p["name"] != run["baseline"]]
    groups = run["models"] + ["geomean"]
    contexts = run["contexts"]
    cells = {(r["platform"], r["model"], r["context"]): r for r in speedups if r["precision"] == precision}
    fig, axes = panel_grid(len(contexts))
    width, x_of = bar_layout(len(groups), len(others))
    colors = plt.get_cmap("tab10")
    top = max([number(r["speedup"]) or 0 for r in cells.values()] + [1.0]) * 1.25
    for ax, context in zip(axes, contexts):
        for g, group in enumerate(groups):
            found = [cells.get((platform, group, str(context))) for platform in others]
            labels = [r["speedup"] if r else "missing" for r in found]
            values = [number(label) for label in labels]
            if all(v is None for v in values) and len(set(labels)) == 1:
                # One reason for the whole group (e.g. the baseline ran out of memory): one label.
                ax.text(g, top * 0.02, labels[0], rotation=90, ha="center", va="bottom", fontsize=7, color="dimgray")
                continue
            for b, (label, v) in enumerate(zip(labels, values)):
                x = x_of(g, b)
                if v is None:
                    ax.text(x, top * 0.02, label, rotation=90, ha="center", va="bottom", fontsize=7, color="dimgray")
                    continue
                geomean = group == "geomean"
                ax.bar(x, v, width, color=colors(b + 1), hatch="//" if geomean else None,
                       edgecolor="black" if geomean else None, linewidth=0.5)
                if geomean:
                    ax.text(x, v + top * 0.01, f"{v:.2f}", rotation=90, ha="center", va="bottom", fontsize=7)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_ylim(0, top)
        ax.axvline(len(groups) - 1.5, color="gray", linewidth=0.5, linestyle=":")
        ax.set_title(f"context {context}", fontsize=10)
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels(groups, rotation=30, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel(f"speed-up over {run['baseline']}")
    handles = [Rectangle((0, 0), 1, 1, color=colors(b + 1)) for b in range(len(others))]
    fig.legend(handles, others, loc="upper center", ncol=max(len(others), 1), bbox_to_anchor=(0.5, 1.08),
               frameon=False)
    fig.suptitle(f"Decode speed-up over {run['baseline']} ({precision})", y=1.13)
    save(fig, path, quiet)


def stacked_figure(run, rows, precision, prefix, skip, scale, ylabel, title, normalise, path, quiet):
    """(c), (d): a grid of panels (rows: contexts, columns: models), one stacked bar per platform:
    the columns prefix* as shares of their sum (normalise) or times scale."""
    index = row_index(rows)
    platforms = [p["name"] for p in run["platforms"]]
    models, contexts = run["models"], run["contexts"]
    parts = []
    for r in rows:
        for key in r:
            if key.startswith(prefix) and key[len(prefix):] not in skip and key[len(prefix):] not in parts:
                parts.append(key[len(prefix):])
    parts.sort(key=lambda part: PHASE_ORDER.index(part) if part in PHASE_ORDER else len(PHASE_ORDER))
    fig, axes = panel_grid(len(models) * len(contexts), rows=len(contexts))
    colors = plt.get_cmap("tab20")
    for c, context in enumerate(contexts):
        for m, model in enumerate(models):
            ax = axes[c * len(models) + m]
            for b, platform in enumerate(platforms):
                r = index.get((platform, model, str(context), precision))
                values = [number(r.get(prefix + part)) or 0.0 for part in parts] if r and r["status"] == "ok" else None
                if not values or sum(values) <= 0:
                    ax.text(b, 0.02, status_label(r), rotation=90, ha="center", va="bottom", fontsize=7,
                            color="dimgray", transform=ax.get_xaxis_transform())
                    continue
                factor = 1.0 / sum(values) if normalise else scale
                bottom = 0.0
                for p, v in enumerate(values):
                    height = v * factor
                    ax.bar(b, height, 0.7, bottom=bottom, color=colors(p % 20))
                    bottom += height
            ax.set_title(f"{model}, context {context}", fontsize=8)
            ax.set_xticks(range(len(platforms)))
            ax.set_xticklabels(platforms, rotation=40, ha="right", fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
            if normalise:
                ax.set_ylim(0, 1)
            if m == 0:
                ax.set_ylabel(ylabel, fontsize=8)
    handles = [Rectangle((0, 0), 1, 1, color=colors(p % 20)) for p in range(len(parts))]
    fig.legend(handles, parts, loc="upper center", ncol=min(len(parts), 11), bbox_to_anchor=(0.5, 1.03),
               frameon=False, fontsize=8)
    fig.suptitle(title, y=1.06)
    fig.tight_layout()
    save(fig, path, quiet)


# ---- kvnand-dse heatmaps -----------------------------------------------------------------------


def short(value):
    """Three significant digits without an exponent: 0.154, 24.4, 1540."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def heatmap(run, design, rows, best, path, quiet):
    """Rows: splits G1=1..dies-1 then C; columns: contexts; colour: decode latency (ms, log scale)."""
    splits, contexts = design["splits"], run["contexts"]
    cells = {(r["split"], r["context"]): r for r in rows if r["design"] == design["name"]}
    chosen = {r["context"]: r["best_split"] for r in best if r["design"] == design["name"]}
    grid = [[None] * len(contexts) for _ in splits]
    for i, split in enumerate(splits):
        for j, context in enumerate(contexts):
            r = cells.get((split, str(context)))
            v = number(r.get("latency_per_token_s")) if r and r["status"] == "ok" else None
            grid[i][j] = v * MS_PER_S if v else None
    values = [v for line in grid for v in line if v]
    fig, ax = plt.subplots(figsize=(1.3 * len(contexts) + 2.6, 0.42 * len(splits) + 1.6))
    norm = LogNorm(vmin=min(values), vmax=max(values) * (1.0001 if min(values) == max(values) else 1)) if values else None
    masked = [[v if v else math.nan for v in line] for line in grid]
    image = ax.imshow(masked, cmap="viridis", norm=norm, aspect="auto")
    for i, split in enumerate(splits):
        for j, context in enumerate(contexts):
            r = cells.get((split, str(context)))
            v = grid[i][j]
            star = chosen.get(str(context)) == split
            if v is None:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="lightgray", hatch="///",
                                       edgecolor="gray", linewidth=0))
                ax.text(j, i, status_label(r), ha="center", va="center", fontsize=8, color="black")
                continue
            light = norm is not None and norm(v) > 0.6
            ax.text(j, i, f"{short(v)}{' ★' if star else ''}", ha="center", va="center", fontsize=8,
                    color="black" if light else "white", fontweight="bold" if star else "normal")
            if star:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2.5))
    ax.set_xticks(range(len(contexts)))
    ax.set_xticklabels([str(c) for c in contexts])
    ax.set_yticks(range(len(splits)))
    ax.set_yticklabels(splits)
    ax.set_xlabel("context (tokens)")
    ax.set_ylabel("die split")
    params = ", ".join(f"{k}={v}" for k, v in design["parameters"].items())
    ax.set_title(f"{run['model']} {run['precision']}: decode latency (ms), {design['dies']} dies"
                 + (f"\n{design['name']}: {params}" if params else ""), fontsize=10)
    if norm is not None:
        fig.colorbar(image, ax=ax, label="decode latency per token (ms, log)")
    save(fig, path, quiet)


def load_study(folder):
    run = json.load(open(os.path.join(folder, "run.json")))
    return run, read_csv(os.path.join(folder, "dse.csv")), read_csv(os.path.join(folder, "best.csv"))


def draw_heatmaps(folder, quiet):
    run, rows, best = load_study(folder)
    for design in run["designs"]:
        heatmap(run, design, rows, best, os.path.join(folder, f"heatmap-{design['name']}.png"), quiet)


def dse_section(folder, link_prefix, heading):
    """The Markdown of a study folder, its links relative to where the text goes (link_prefix)."""
    run, rows, _ = load_study(folder)
    lines = [f"{heading} Design-space exploration: {run['model']} at {run['precision']}", ""]
    lines.append(f"KVNAND-D at every die split G1+G2 (G1 weight dies, G2 KV dies) and KVNAND-C on the same dies; "
                 f"{run['budget']}; contexts {', '.join(str(c) for c in run['contexts'])}; {run['tokens']} decoded "
                 f"tokens after the context; {run['accounting']} accounting. Platforms: `{run['discrete_platform']}`, "
                 f"`{run['compact_platform']}`" + (f"; sweep `{run['sweep']}`." if run["sweep"] else "."))
    lines += ["", open(os.path.join(folder, "best.md")).read().rstrip(), ""]
    for design in run["designs"]:
        lines += [f"![{run['model']} {run['precision']} {design['name']}]({link_prefix}heatmap-{design['name']}.png)", ""]
    failed = [r for r in rows if r["status"] in ("failed", "not run")]
    if failed:
        lines += ["Runs that failed or did not run:", "", "| design | split | context | status | message |",
                  "|---|---|---:|---|---|"]
        lines += [f"| {r['design']} | {r['split']} | {r['context']} | {r['status']} | {md(r['message'])} |"
                  for r in failed]
        lines.append("")
    return "\n".join(lines)


def md(text):
    return text.replace("|", "\\|").replace("\n", " ")


def write(path, text, quiet):
    with open(path + ".partial", "w") as f:
        f.write(text)
    os.replace(path + ".partial", path)
    if not quiet:
        print(f"kvnand-plot: wrote {path}")


def plot_dse(folder, quiet):
    draw_heatmaps(folder, quiet)
    write(os.path.join(folder, "report.md"), dse_section(folder, "", "#"), quiet)


# ---- kvnand-eval report ------------------------------------------------------------------------


def short_settings(chosen):
    """results.csv's chosen settings with each key's last part: "g2_dies=3, head_groups_per_step=2"."""
    settings = (setting.split("=", 1) for setting in chosen.split(";"))
    return ", ".join(key.split(".")[-1] + "=" + value for key, value in settings)


def choose_text(choose):
    """run.json's choose of a platform: "dataflow.g2_dies in {1, 2}", then each "also" key the same way."""
    keys = [(choose["key"], choose["values"])] + list(choose.get("also", {}).items())
    return " x ".join(f"{key} in {{{', '.join(values)}}}" for key, values in keys)


def tokens_table(run, rows, precision):
    index = row_index(rows)
    platforms = [p["name"] for p in run["platforms"]]
    lines = ["| context | model | " + " | ".join(platforms) + " |", "|---:|---|" + "---:|" * len(platforms)]
    for context in run["contexts"]:
        for model in run["models"]:
            cells = []
            for platform in platforms:
                r = index.get((platform, model, str(context), precision))
                if r and r["status"] == "ok":
                    chosen = f" ({short_settings(r['chosen'])})" if r["chosen"] else ""
                    cells.append(f"{float(r['tokens_per_s']):.2f}{chosen}")
                else:
                    cells.append(status_label(r))
            lines.append(f"| {context} | {model} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_eval(folder, quiet):
    run = json.load(open(os.path.join(folder, "run.json")))
    rows = read_csv(os.path.join(folder, "results.csv"))
    speedups = read_csv(os.path.join(folder, "speedup.csv"))
    versions = sorted({r["version"] for r in rows if r.get("version")})
    counts = run["points"]
    lines = ["# KVNAND evaluation", "",
             f"Matrix `{run['matrix']}`, run by {run['tool']} {run['version']} with kvnand-sim "
             f"{', '.join(versions) or '(no report)'}: {len(run['models'])} models x {len(run['contexts'])} contexts "
             f"x {len(run['precisions'])} precision(s) x {len(run['platforms'])} platforms, {run['tokens']} decoded "
             f"tokens after the context, {run['accounting']} accounting. Points: {counts['ok']} ok, {counts['oom']} "
             f"out of memory, {counts['failed']} failed" + (f", {counts['not_run']} not run" if counts["not_run"] else "")
             + ".", "", "| platform | file | overrides | choose |", "|---|---|---|---|"]
    for p in run["platforms"]:
        choose = choose_text(p["choose"]) if "choose" in p else ""
        lines.append(f"| {p['name']} | `{p['file']}` | {md('; '.join(p['set']))} | {choose} |")
    lines += ["", f"## Speed-up over {run['baseline']}", "", open(os.path.join(folder, "speedup.md")).read().rstrip(), ""]
    # run.json, not the file's presence, says whether this run compared: an earlier run in the same
    # folder may have left a validation.md behind.
    if run.get("reference"):
        lines += ["## Validation against reference values", "",
                  open(os.path.join(folder, "validation.md")).read().rstrip(), ""]
    for precision in run["precisions"]:
        s = suffix(precision, run["precisions"])
        figures = [("throughput", "Decode throughput"), ("speedup", f"Speed-up over {run['baseline']}"),
                   ("breakdown", "Latency breakdown per phase"), ("energy", "Energy per token by component")]
        throughput_figure(run, rows, precision, os.path.join(folder, "figures", f"throughput{s}.png"), quiet)
        speedup_figure(run, speedups, precision, os.path.join(folder, "figures", f"speedup{s}.png"), quiet)
        stacked_figure(run, rows, precision, "breakdown_s.", (), 1.0, "share of the token latency",
                       f"Latency breakdown per phase ({precision})", True,
                       os.path.join(folder, "figures", f"breakdown{s}.png"), quiet)
        stacked_figure(run, rows, precision, "energy_per_token_J.", ("total",), MJ_PER_J, "mJ per token",
                       f"Energy per token by component ({precision})", False,
                       os.path.join(folder, "figures", f"energy{s}.png"), quiet)
        lines += [f"## Decode tokens/s ({precision})", "", "Chosen values of \"choose\" platforms in brackets.", "",
                  tokens_table(run, rows, precision), ""]
        for name, title in figures:
            lines += [f"### {title} ({precision})", "", f"![{title}](figures/{name}{s}.png)", ""]
    missing = [r for r in rows if r["status"] != "ok"]
    lines += ["## Out-of-memory and failed points", ""]
    if missing:
        lines += ["| platform | model | context | precision | status | message |", "|---|---|---:|---|---|---|"]
        lines += [f"| {r['platform']} | {r['model']} | {r['context']} | {r['precision']} | {r['status']} | "
                  f"{md(r['message'])} |" for r in missing]
    else:
        lines.append("None: every point ran.")
    lines.append("")
    for study in run["dse"]:
        plot_dse(os.path.join(folder, study), quiet)
        lines += [dse_section(os.path.join(folder, study), f"{study}/", "##"), ""]
    write(os.path.join(folder, "report.md"), "\n".join(lines), quiet)


def main(argv):
    args = [a for a in argv[1:] if a != "--quiet"]
    quiet = "--quiet" in argv[1:]
    if len(args) != 2 or args[0] not in ("eval", "dse") or not os.path.isdir(args[1]):
        sys.stderr.write(__doc__)
        return 2
    (plot_eval if args[0] == "eval" else plot_dse)(args[1], quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
