#include "host_usage.h"

#include <sys/resource.h>

namespace kvnand {
namespace {
constexpr double kKiBPerMiB = 1024.0;
}

double peak_rss_MiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / kKiBPerMiB;  // Linux reports KiB
}

}  // namespace kvnand
