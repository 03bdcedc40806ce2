#include "platforms/flash_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "common/sim_time.h"
#include "kvnand/version.h"

namespace kvnand {
namespace {

constexpr double kPicosecondsPerMicrosecond = 1e6;
constexpr double kBytesPerGB = 1e9;
constexpr double kTailPercentile = 0.99;

nlohmann::json latency_summary(std::vector<std::uint64_t> latencies_ps) {
  nlohmann::json out = {{"min", 0.0}, {"mean", 0.0}, {"p99", 0.0}, {"max", 0.0}};
  if (latencies_ps.empty()) return out;
  const auto to_us = [](double ps) { return ps / kPicosecondsPerMicrosecond; };
  // Nearest-rank percentile: the smallest latency that at least 99% of requests do not exceed.
  const auto rank = static_cast<std::size_t>(std::ceil(kTailPercentile * static_cast<double>(latencies_ps.size())));
  std::nth_element(latencies_ps.begin(), latencies_ps.begin() + static_cast<std::ptrdiff_t>(rank - 1), latencies_ps.end());
  out["p99"] = to_us(static_cast<double>(latencies_ps[rank - 1]));
  const auto [lo, hi] = std::minmax_element(latencies_ps.begin(), latencies_ps.end());
  out["min"] = to_us(static_cast<double>(*lo));
  out["max"] = to_us(static_cast<double>(*hi));
  const double sum = std::accumulate(latencies_ps.begin(), latencies_ps.end(), 0.0);
  out["mean"] = to_us(sum / static_cast<double>(latencies_ps.size()));
  return out;
}

}  // namespace

nlohmann::json flash_report(const FlashPlatform& platform, const TrafficResult& traffic, const FlashRunInfo& run,
                            const sc_core::sc_time& simulated, const HostMeasurements& host) {
  const PlatformConfig& config = platform.config();
  nlohmann::json report;
  report["version"] = KVNAND_VERSION;
  report["config"] = config.resolved;
  report["run"] = {{"workload", "flash"},
                   {"platform_file", run.platform_file},
                   {"pattern", pattern_name(run.pattern.kind)},
                   {"requests", run.requests},
                   {"queue_depth", run.queue_depth},
                   {"seed", run.pattern.seed},
                   {"read_fraction", run.pattern.read_fraction}};
  report["simulated_time_s"] = simulated.to_seconds();
  report["requests"] = traffic.completed;

  double read_J = 0, program_J = 0, erase_J = 0, interface_J = 0;
  std::uint32_t max_pe = 0, max_reads = 0;
  std::uint64_t page_reads = 0, page_programs = 0, block_erases = 0;
  nlohmann::json channels = nlohmann::json::array();
  nlohmann::json dies = nlohmann::json::array();
  for (std::uint32_t c = 0; c < config.channels.count; ++c) {
    const ChannelStats& ch = platform.channel(ChannelId(c)).stats();
    channels.push_back({{"channel", c}, {"busy_fraction", time_fraction(ch.busy_time, simulated)}, {"bytes", ch.data_bytes}});
    interface_J += ch.interface_energy_J;
    for (std::uint32_t d = 0; d < config.channels.dies_per_channel; ++d) {
      const FlashDie& die = platform.die(ChannelId(c), DieId(d));
      const DieStats& s = die.stats();
      dies.push_back({{"channel", c},
                      {"die", d},
                      {"busy_fraction", time_fraction(s.busy_time, simulated)},
                      {"reads", s.page_reads},
                      {"programs", s.page_programs},
                      {"erases", s.block_erases}});
      read_J += s.read_energy_J;
      program_J += s.program_energy_J;
      erase_J += s.erase_energy_J;
      page_reads += s.page_reads;
      page_programs += s.page_programs;
      block_erases += s.block_erases;
      max_pe = std::max(max_pe, die.wear().max_pe_cycles());
      max_reads = std::max(max_reads, die.wear().max_block_reads());
    }
  }
  const double user_bytes = static_cast<double>(traffic.reads + traffic.programs) * config.flash.geometry.page_data_bytes;
  report["bandwidth_GBps"] = simulated > sc_core::SC_ZERO_TIME ? user_bytes / simulated.to_seconds() / kBytesPerGB : 0.0;
  report["latency_us"] = latency_summary(traffic.latencies_ps);
  report["page_ops"] = {{"reads", page_reads}, {"programs", page_programs}, {"erases", block_erases}};
  report["channels"] = channels;
  report["dies"] = dies;
  report["energy_J"] = {{"read", read_J},
                        {"program", program_J},
                        {"erase", erase_J},
                        {"interface", interface_J},
                        {"total", read_J + program_J + erase_J + interface_J}};
  report["wear"] = {{"max_pe_cycles", max_pe}, {"max_block_reads", max_reads}};
  const ControllerStats& ctl = platform.controller().stats();
  report["controller"] = {{"commands", ctl.commands},
                          {"multi_plane_commands", ctl.multi_plane_commands},
                          {"cache_read_commands", ctl.cache_read_commands}};
  const double page_ops = static_cast<double>(page_reads + page_programs + block_erases);
  report["host"] = {{"wall_s", host.wall_s},
                    {"page_ops_per_wall_s", host.wall_s > 0 ? page_ops / host.wall_s : 0.0},
                    {"peak_rss_MiB", host.peak_rss_MiB}};
  return report;
}

std::string flash_summary(const nlohmann::json& r) {
  char line[256];
  std::ostringstream out;
  const auto& run = r["run"];
  std::snprintf(line, sizeof line, "kvnand-sim %s: %s, %s, %llu requests at queue depth %u\n",
                r["version"].get<std::string>().c_str(), r["config"].value("name", "?").c_str(),
                run["pattern"].get<std::string>().c_str(), static_cast<unsigned long long>(r["requests"].get<std::uint64_t>()),
                run["queue_depth"].get<unsigned>());
  out << line;
  std::snprintf(line, sizeof line, "  simulated time  %.6f ms\n  bandwidth       %.3f GB/s\n",
                r["simulated_time_s"].get<double>() * 1e3, r["bandwidth_GBps"].get<double>());
  out << line;
  const auto& lat = r["latency_us"];
  std::snprintf(line, sizeof line, "  latency (us)    min %.3f  mean %.3f  p99 %.3f  max %.3f\n", lat["min"].get<double>(),
                lat["mean"].get<double>(), lat["p99"].get<double>(), lat["max"].get<double>());
  out << line;
  const auto& ops = r["page_ops"];
  std::snprintf(line, sizeof line, "  page ops        %llu reads, %llu programs, %llu erases\n",
                static_cast<unsigned long long>(ops["reads"].get<std::uint64_t>()),
                static_cast<unsigned long long>(ops["programs"].get<std::uint64_t>()),
                static_cast<unsigned long long>(ops["erases"].get<std::uint64_t>()));
  out << line;
  double channel_busy = 0;
  for (const auto& ch : r["channels"]) channel_busy += ch["busy_fraction"].get<double>();
  double die_busy = 0;
  for (const auto& d : r["dies"]) die_busy += d["busy_fraction"].get<double>();
  std::snprintf(line, sizeof line, "  utilisation     channels %.1f%%, dies %.1f%% (mean)\n",
                100.0 * channel_busy / static_cast<double>(r["channels"].size()),
                100.0 * die_busy / static_cast<double>(r["dies"].size()));
  out << line;
  std::snprintf(line, sizeof line, "  energy          %.6f mJ (read %.6f, program %.6f, erase %.6f, interface %.6f)\n",
                r["energy_J"]["total"].get<double>() * 1e3, r["energy_J"]["read"].get<double>() * 1e3,
                r["energy_J"]["program"].get<double>() * 1e3, r["energy_J"]["erase"].get<double>() * 1e3,
                r["energy_J"]["interface"].get<double>() * 1e3);
  out << line;
  std::snprintf(line, sizeof line, "  wear            max P/E %u, max reads per block %u\n",
                r["wear"]["max_pe_cycles"].get<unsigned>(), r["wear"]["max_block_reads"].get<unsigned>());
  out << line;
  std::snprintf(line, sizeof line, "  host            %.3f s wall, %.2f M page ops/s, %.1f MiB peak\n",
                r["host"]["wall_s"].get<double>(), r["host"]["page_ops_per_wall_s"].get<double>() / 1e6,
                r["host"]["peak_rss_MiB"].get<double>());
  out << line;
  return out.str();
}

}  // namespace kvnand
