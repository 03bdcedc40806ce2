#include "platforms/decode_report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/sim_time.h"
#include "kvnand/version.h"

namespace kvnand {
namespace {

constexpr double kBytesPerGB = 1e9;
constexpr double kBytesPerMB = 1e6;
constexpr double kMillisecondsPerSecond = 1e3;
constexpr double kPercent = 100.0;

nlohmann::json model_json(const ModelSpec& m) {
  return {{"name", m.name},       {"layers", m.layers},         {"hidden", m.hidden},
          {"heads", m.heads},     {"kv_heads", m.kv_heads},     {"head_dim", m.head_dim},
          {"ffn_dim", m.ffn_dim}, {"vocab", m.vocab},           {"experts", m.experts},
          {"experts_per_token", m.experts_per_token}};
}

nlohmann::json run_json(const PlatformConfig& config, const DecodePlan& plan, const DecodeRunInfo& run) {
  const DataflowSpec& df = plan.dataflow();
  nlohmann::json out = {{"workload", "decode"},
                        {"platform_file", run.platform_file},
                        {"model", plan.model().name},
                        {"model_file", run.model_file},
                        {"precision", to_string(plan.options().precision)},
                        {"accounting", to_string(plan.options().accounting)},
                        {"context_tokens", plan.options().context_tokens},
                        {"decode_tokens", plan.options().decode_tokens},
                        {"variant", to_string(df.variant)},
                        {"dies", config.channels.total_dies()},
                        {"weight_dies", plan.weight_group().dies.size()},
                        {"kv_dies", plan.kv_group().dies.size()}};
  if (df.variant == Variant::Discrete) out["head_group_pipelining"] = df.head_group_pipelining;
  if (config.dram) out["dram_bytes"] = config.dram->capacity_bytes();
  return out;
}

nlohmann::json capacity_json(const CapacityReport& c) {
  return {{"weights_bytes", c.weights_bytes}, {"kv_bytes", c.kv_bytes}, {"available_bytes", c.available_bytes}};
}

nlohmann::json header(const PlatformConfig& config, const DecodePlan& plan, const DecodeRunInfo& run) {
  nlohmann::json report;
  report["version"] = KVNAND_VERSION;
  report["config"] = config.resolved;
  report["model"] = model_json(plan.model());
  report["run"] = run_json(config, plan, run);
  report["capacity"] = capacity_json(plan.capacity());
  report["oom"] = {{"value", plan.out_of_memory()}, {"reason", plan.capacity().reason}};
  return report;
}

/// "12.34 GB", or "1.23 MB" below a gigabyte.
std::string size_text(double bytes) {
  char text[32];
  if (bytes >= kBytesPerGB)
    std::snprintf(text, sizeof text, "%.2f GB", bytes / kBytesPerGB);
  else
    std::snprintf(text, sizeof text, "%.2f MB", bytes / kBytesPerMB);
  return text;
}

}  // namespace

nlohmann::json out_of_memory_report(const PlatformConfig& config, const DecodePlan& plan, const DecodeRunInfo& run) {
  return header(config, plan, run);
}

nlohmann::json decode_report(const DecodeSystem& system, const PlatformConfig& config, const DecodePlan& plan,
                             const DecodeRunInfo& run, const HostMeasurements& host) {
  nlohmann::json report = header(config, plan, run);
  const DecodeResult& result = system.runtime().result();
  const sc_core::sc_time span = result.decode_end - result.decode_start;
  const auto tokens = static_cast<double>(result.token_latency.size());
  report["simulated_time_s"] = sc_core::sc_time_stamp().to_seconds();
  report["tokens_per_s"] = span > sc_core::SC_ZERO_TIME ? tokens / span.to_seconds() : 0.0;
  report["latency_per_token_s"] = tokens > 0 ? span.to_seconds() / tokens : 0.0;
  nlohmann::json latencies = nlohmann::json::array();
  for (const sc_core::sc_time& t : result.token_latency) latencies.push_back(t.to_seconds());
  report["token_latency_s"] = latencies;

  nlohmann::json breakdown = nlohmann::json::object();
  const PhaseSeconds& phases = system.runtime().breakdown().total_seconds();
  for (std::size_t p = 0; p < kPhaseCount; ++p)
    breakdown[to_string(static_cast<Phase>(p))] = tokens > 0 ? phases[p] / tokens : 0.0;
  report["breakdown_s"] = breakdown;

  const FlashPlatform& flash = system.flash();
  double array_read_J = 0, program_J = 0, erase_J = 0, pe_J = 0, ecc_J = 0, interface_J = 0, global_buffer_J = 0;
  std::uint64_t page_reads = 0, macs = 0, programs = 0;
  nlohmann::json channels = nlohmann::json::array();
  nlohmann::json dies = nlohmann::json::array();
  const std::uint32_t planes = config.flash.geometry.planes_per_die;
  for (std::uint32_t c = 0; c < config.channels.count; ++c) {
    const ChannelStats& ch = flash.channel(ChannelId(c)).stats();
    channels.push_back({{"channel", c}, {"busy_fraction", time_fraction(ch.busy_time, span)}, {"bytes", ch.data_bytes}});
    interface_J += ch.interface_energy_J;
    for (std::uint32_t d = 0; d < config.channels.dies_per_channel; ++d) {
      const FlashDie& die = flash.die(ChannelId(c), DieId(d));
      // A plain NAND die (Base-2's KV dies) has no compute logic: its array work is in its own stats.
      const IfcStats none;
      const IfcStats& s = die.ifc() != nullptr ? die.ifc()->stats() : none;
      const DieStats& plain = die.stats();
      array_read_J += s.read_energy_J + plain.read_energy_J;
      program_J += s.program_energy_J + plain.program_energy_J;
      erase_J += plain.erase_energy_J;
      pe_J += s.mac_energy_J;
      ecc_J += s.ecc_energy_J;
      if (die.ifc() != nullptr) global_buffer_J += die.ifc()->global_buffer_energy_J(span);
      const std::uint64_t die_reads = s.page_reads + plain.page_reads;
      const std::uint64_t die_programs = s.pages_programmed + plain.page_programs;
      page_reads += die_reads;
      macs += s.macs;
      programs += die_programs;
      const double plane_seconds = span.to_seconds() * planes;
      const double busy_plane_seconds =
          die.ifc() != nullptr ? s.plane_busy.to_seconds() : plain.busy_time.to_seconds() * planes;
      dies.push_back({{"channel", c},
                      {"die", d},
                      {"compute", die.ifc() != nullptr},
                      {"plane_busy_fraction", plane_seconds > 0 ? busy_plane_seconds / plane_seconds : 0.0},
                      {"page_reads", die_reads},
                      {"macs", s.macs},
                      {"kv_programs", die_programs}});
    }
  }
  const NpuStats& npu = system.npu().stats();
  const double soc_buffer_J = uses_soc_kv_buffer(plan.dataflow().variant)
                                  ? plan.dataflow().soc_kv_buffer_power_W * span.to_seconds()
                                  : 0.0;
  double dram_J = 0;
  nlohmann::json dram_channels = nlohmann::json::array();
  if (const DramSystem* dram = system.dram(); dram != nullptr) {
    dram_J = dram->total_stats().energy_J + dram->background_energy_J(span);
    for (std::uint32_t c = 0; c < dram->channel_count(); ++c) {
      const DramChannelStats& ds = dram->channel(c).stats();
      dram_channels.push_back({{"channel", c},
                               {"busy_fraction", time_fraction(ds.busy_time, span)},
                               {"bytes_read", ds.bytes_read},
                               {"bytes_written", ds.bytes_written}});
    }
  }
  const double total_J = array_read_J + program_J + erase_J + pe_J + ecc_J + interface_J + global_buffer_J +
                         npu.energy_J + soc_buffer_J + dram_J;
  const double per_token = tokens > 0 ? 1.0 / tokens : 0.0;
  report["energy_per_token_J"] = {{"array_read", array_read_J * per_token},
                                  {"program", program_J * per_token},
                                  {"erase", erase_J * per_token},
                                  {"pe", pe_J * per_token},
                                  {"ecc", ecc_J * per_token},
                                  {"interface", interface_J * per_token},
                                  {"global_buffer", global_buffer_J * per_token},
                                  {"npu", npu.energy_J * per_token},
                                  {"soc_kv_buffer", soc_buffer_J * per_token},
                                  {"dram", dram_J * per_token},
                                  {"total", total_J * per_token}};
  report["utilisation"] = {{"channels", channels},
                           {"dies", dies},
                           {"dram_channels", dram_channels},
                           {"npu_busy_fraction", time_fraction(npu.busy_time, span)}};
  report["work"] = {{"page_reads", page_reads},
                    {"macs", macs},
                    {"ifc_requests", result.ifc_requests},
                    {"npu_operations", result.npu_operations}};

  const KvWear kv_wear = plan.allocator().wear();
  const FlashGeometry& g = config.flash.geometry;
  const std::uint64_t weight_block_pages =
      std::min<std::uint64_t>(g.pages_per_block, plan.weights().max_pages_on_a_plane());
  report["wear"] = {{"kv",
                     {{"max_pe_cycles", kv_wear.max_pe_cycles},
                      {"max_reads_per_block", kv_wear.max_reads_per_block},
                      {"blocks_in_use", kv_wear.blocks_in_use},
                      {"blocks_over_read_limit", kv_wear.blocks_over_read_limit},
                      {"refreshes", kv_wear.refreshes},
                      {"refreshed_pages", kv_wear.refreshed_pages},
                      {"read_disturb_limit_reads", plan.dataflow().read_disturb_limit_reads}}},
                    {"weights", {{"max_reads_per_block", weight_block_pages * result.token_latency.size()}}}};
  const KvBufferStats& buffer = plan.write_buffer().stats();
  report["kv_write"] = {{"tokens_per_page", plan.kv().tokens_per_page()},
                        {"full_page_programs", buffer.full_page_programs},
                        {"partial_page_programs", buffer.partial_page_programs},
                        {"peak_buffer_fill_bytes", buffer.peak_fill_bytes},
                        {"pages_programmed", programs}};
  if (plan.model().experts > 1) report["expert_reads"] = result.expert_reads;
  report["host"] = {{"wall_s", host.wall_s}, {"peak_rss_MiB", host.peak_rss_MiB}};
  return report;
}

std::string decode_summary(const nlohmann::json& r) {
  char line[512];
  std::ostringstream out;
  const auto& run = r["run"];
  std::snprintf(line, sizeof line, "kvnand-sim %s: %s (%s, %s) on %s (%s), context %llu, %llu tokens\n",
                r["version"].get<std::string>().c_str(), run["model"].get<std::string>().c_str(),
                run["precision"].get<std::string>().c_str(), run["accounting"].get<std::string>().c_str(),
                r["config"].value("name", "?").c_str(), run["variant"].get<std::string>().c_str(),
                static_cast<unsigned long long>(run["context_tokens"].get<std::uint64_t>()),
                static_cast<unsigned long long>(run["decode_tokens"].get<std::uint64_t>()));
  out << line;
  const auto& cap = r["capacity"];
  out << "  capacity        weights " << size_text(cap["weights_bytes"].get<double>()) << " + KV "
      << size_text(cap["kv_bytes"].get<double>()) << " of " << size_text(cap["available_bytes"].get<double>()) << "\n";
  if (r["oom"]["value"].get<bool>()) {
    out << "  out of memory   " << r["oom"]["reason"].get<std::string>() << "\n";
    return out.str();
  }
  std::snprintf(line, sizeof line, "  tokens/s        %.3f\n  latency/token   %.3f ms\n",
                r["tokens_per_s"].get<double>(), r["latency_per_token_s"].get<double>() * kMillisecondsPerSecond);
  out << line;
  const double latency = r["latency_per_token_s"].get<double>();
  out << "  breakdown      ";
  for (const auto& [phase, seconds] : r["breakdown_s"].items()) {
    const double share = latency > 0 ? kPercent * seconds.get<double>() / latency : 0.0;
    if (share < 0.05) continue;
    std::snprintf(line, sizeof line, " %s %.1f%%", phase.c_str(), share);
    out << line;
  }
  out << "\n";
  const auto& e = r["energy_per_token_J"];
  std::snprintf(line, sizeof line,
                "  energy/token    %.4f J (array read %.4f, PE %.4f, ECC %.4f, interface %.4f, NPU %.4f, program %.4f",
                e["total"].get<double>(), e["array_read"].get<double>(), e["pe"].get<double>(), e["ecc"].get<double>(),
                e["interface"].get<double>(), e["npu"].get<double>(), e["program"].get<double>());
  out << line;
  if (e["dram"].get<double>() > 0) {
    std::snprintf(line, sizeof line, ", DRAM %.4f", e["dram"].get<double>());
    out << line;
  }
  out << ")\n";
  double channel_busy = 0;
  for (const auto& ch : r["utilisation"]["channels"]) channel_busy += ch["busy_fraction"].get<double>();
  double plane_busy = 0;
  for (const auto& d : r["utilisation"]["dies"]) plane_busy += d["plane_busy_fraction"].get<double>();
  std::snprintf(line, sizeof line, "  utilisation     channels %.1f%%, planes %.1f%%, NPU %.1f%% (mean)\n",
                kPercent * channel_busy / static_cast<double>(r["utilisation"]["channels"].size()),
                kPercent * plane_busy / static_cast<double>(r["utilisation"]["dies"].size()),
                kPercent * r["utilisation"]["npu_busy_fraction"].get<double>());
  out << line;
  const auto& kv = r["wear"]["kv"];
  std::snprintf(line, sizeof line, "  KV writes       %llu full-page, %llu partial-page programs; max reads per KV block %llu\n",
                static_cast<unsigned long long>(r["kv_write"]["full_page_programs"].get<std::uint64_t>()),
                static_cast<unsigned long long>(r["kv_write"]["partial_page_programs"].get<std::uint64_t>()),
                static_cast<unsigned long long>(kv["max_reads_per_block"].get<std::uint64_t>()));
  out << line;
  std::snprintf(line, sizeof line, "  host            %.3f s wall, %.1f MiB peak\n", r["host"]["wall_s"].get<double>(),
                r["host"]["peak_rss_MiB"].get<double>());
  out << line;
  return out.str();
}

}  // namespace kvnand
