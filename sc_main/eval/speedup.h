/* Speed-up over the baseline: tokens/s of each platform divided by the baseline's for every
 * (precision, context, model), and per context the geometric mean over the models where both ran;
 * written as speedup.csv and the Markdown table speedup.md. */
#pragma once

#include "eval_points.h"
#include "text.h"

void ev_speedup_csv(const ev_eval *ev, ev_buf *out);
void ev_speedup_md(const ev_eval *ev, ev_buf *out);
