// What a run costs on the host machine (reported apart from simulated results).
#pragma once

namespace kvnand {

/// Peak resident set size of this process so far, in MiB.
double peak_rss_MiB();

}  // namespace kvnand
