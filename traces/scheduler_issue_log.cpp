#include "scheduler_issue_log.h"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace kvnand {
namespace {
/// Longest row: eight 20-digit numbers, a 16-digit hex mask, the op name and separators.
constexpr std::size_t kMaxRowBytes = 256;
}  // namespace

SchedulerIssueLog::SchedulerIssueLog(const std::string& file, const TraceLayout& layout) : file_(file), out_(file) {
  out_.text("# kvnand scheduler log v1\n# scheduler=" + layout.scheduler +
            " clock_ps=" + std::to_string(layout.scheduler_clock_ps) + " platform=" + layout.platform +
            "\nissue_ps,channel,die,op,planes,block,page,pages,requests,tag\n");
}

void SchedulerIssueLog::scheduler_issue(const IssuedCommand& command) {
  char* at = out_.room(kMaxRowBytes);
  const std::string_view op = to_string(command.op);
  const int written = std::snprintf(
      at, kMaxRowBytes, "%" PRIu64 ",%u,%u,%.*s,0x%" PRIx64 ",%u,%u,%" PRIu64 ",%u,%u\n",
      static_cast<std::uint64_t>(command.at.value()), command.channel.value(), command.die.value(),
      static_cast<int>(op.size()), op.data(), command.planes.bits(), command.block, command.page, command.pages,
      command.requests, command.tag);
  out_.done(at + written);
}

void SchedulerIssueLog::close() {
  const std::string failure = out_.commit();
  if (!failure.empty()) throw std::runtime_error(failure);
}

}  // namespace kvnand
