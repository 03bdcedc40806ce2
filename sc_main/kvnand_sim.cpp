// kvnand-sim: runs one simulation job on a platform and writes its report.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <systemc>

#include "decode_job.h"
#include "flash_job.h"
#include "kvnand/version.h"

namespace {

// The only state a signal handler may touch; read by the simulation between requests.
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int) { g_interrupted = 1; }

}  // namespace

int sc_main(int argc, char* argv[]) {
  kvnand::FlashJobOptions options;
  options.run.requests = 100000;
  options.run.queue_depth = 64;
  kvnand::DecodeJobOptions decode;
  decode.workloads_dir = KVNAND_WORKLOADS_DIR;
  decode.decode.context_tokens = 1024;
  std::string workload;
  std::string pattern = "seq-read";
  std::string precision = "bf16";
  std::string accounting = "faithful";
  std::vector<std::string> overrides;
  kvnand::TraceSpec trace;
  std::string vcd_window;

  CLI::App app{"kvnand-sim " KVNAND_VERSION ": SystemC/TLM model of KVNAND in-flash LLM inference"};
  app.set_version_flag("--version", KVNAND_VERSION);
  app.add_option("--platform", options.platform_file, "platform config (JSON), e.g. platforms/kvnand-c16.json")
      ->required();
  app.add_option("--set", overrides, "override a config key: key.path=value (repeatable)");
  app.add_option("--workload", workload, "job to run (default: decode when --model is given, else flash)")
      ->check(CLI::IsMember({"decode", "flash"}));
  app.add_option("--model", decode.model, "decode: workload file or name in workloads/, e.g. llama3.1-8b");
  app.add_option("--context", decode.decode.context_tokens, "decode: tokens already in the KV cache")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 32))
      ->capture_default_str();
  app.add_option("--tokens", decode.decode.decode_tokens, "decode: tokens to generate")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20))
      ->capture_default_str();
  app.add_option("--precision", precision, "decode: weight/activation/KV precision")
      ->check(CLI::IsMember({"bf16", "w8a8", "w4a16"}))
      ->capture_default_str();
  app.add_option("--accounting", accounting,
                 "decode: faithful (LM head, routed experts) or paper (decoder linear weights only, all experts)")
      ->check(CLI::IsMember({"faithful", "paper"}))
      ->capture_default_str();
  app.add_option("--pattern", pattern, "flash workload address pattern")
      ->check(CLI::IsMember({"seq-read", "rand-read", "seq-write", "mixed"}))
      ->capture_default_str();
  app.add_option("--requests", options.run.requests, "page requests to issue")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--queue-depth", options.run.queue_depth, "requests the host keeps in flight")
      ->check(CLI::Range(1u, 1u << 16))
      ->capture_default_str();
  app.add_option("--read-fraction", options.run.pattern.read_fraction, "share of reads in the mixed pattern")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", options.run.pattern.seed, "seed of the random patterns")->capture_default_str();
  app.add_option("--out", options.out_dir, "output folder (report.json)")->required();
  app.add_option("--vcd", trace.wave.vcd_file,
                 "write a VCD waveform (with a GTKWave save file and filters beside it; docs/waveforms.md)");
  app.add_option("--vcd-window", vcd_window, "record the VCD only in START:END of simulated time, e.g. 10us:2.5ms");
  app.add_option("--vcd-scope", trace.wave.scopes,
                 "record only these scopes (glob patterns, repeatable or comma-separated), e.g. flash.channel0,npu")
      ->delimiter(',');
  app.add_flag("--vcd-planes", trace.wave.plane_detail, "add per-plane state, ECC and PE signals to the VCD");
  app.add_option("--timeline", trace.timeline_file, "write a Chrome/Perfetto trace-event JSON timeline");
  app.add_option("--commands", trace.commands_file, "write a CSV of every flash command");
  app.add_option("--scheduler-log", trace.scheduler_file,
                 "write a CSV of every command the controller's scheduler issued (for kvnand-cosim-check)");
  app.add_flag("--quiet", options.quiet, "print nothing on success");
  try {
    app.parse(argc, argv);
    options.run.pattern.kind = *kvnand::pattern_from_name(pattern);
    for (const std::string& text : overrides) options.overrides.push_back(kvnand::config::parse_override(text));
    const char* option = "--vcd-window";
    try {
      if (!vcd_window.empty()) trace.wave.window = kvnand::parse_time_window(vcd_window);
      option = "--vcd-scope";
      for (const std::string& scope : trace.wave.scopes) kvnand::check_scope_pattern(scope);
    } catch (const std::invalid_argument& e) {
      std::cerr << "kvnand-sim: " << option << ": " << e.what() << "\n";
      return kvnand::kExitBadInput;
    }
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "kvnand-sim: " << e.what() << "\nRun with --help for usage.\n";
    return kvnand::kExitBadInput;
  } catch (const kvnand::config::ConfigError& e) {
    std::cerr << "kvnand-sim: " << e.what() << "\n";
    return kvnand::kExitBadInput;
  }
  options.run.platform_file = options.platform_file;
  if (workload.empty()) workload = decode.model.empty() ? "flash" : "decode";
  if (workload == "decode" && decode.model.empty()) {
    std::cerr << "kvnand-sim: --workload decode needs --model (a file or one of the names in workloads/)\n";
    return kvnand::kExitBadInput;
  }
  if (workload == "flash" && !decode.model.empty()) {
    std::cerr << "kvnand-sim: --model applies to decode runs, not to --workload flash\n";
    return kvnand::kExitBadInput;
  }

  // Silences the kernel's informational "simulation stopped" line after Ctrl-C.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  options.trace = trace;
  decode.trace = trace;
  if (workload == "decode") {
    decode.platform_file = options.platform_file;
    decode.overrides = options.overrides;
    decode.out_dir = options.out_dir;
    decode.quiet = options.quiet;
    decode.decode.precision = kvnand::parse_precision(precision);
    decode.decode.accounting = kvnand::parse_accounting(accounting);
    return kvnand::run_decode_job(decode, g_interrupted);
  }
  return kvnand::run_flash_job(options, g_interrupted);
}

// The kernel prints its banner before sc_main runs unless this variable is set, so kvnand-sim
// sets it in its own entry point and then hands over to the kernel as libsystemc's main would.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
