// The exported C functions of kvnand.h: argument checks, the exception barrier (every C++
// exception and SystemC report becomes a status and a message), and the one-simulator rule.
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <systemc>

#include "common/config_reader.h"
#include "kvnand.h"
#include "kvnand/version.h"
#include "platforms/capi/capi_session.h"
#include "platforms/trace_setup.h"

struct kvnand_sim {
  std::unique_ptr<kvnand::CapiSession> session;
  std::string last_error;
  std::string stats;
  /// Why the simulator cannot be used any more (failed create or failed simulation); empty if it can.
  std::string stopped;
};

namespace {

using kvnand::CapiError;

static_assert(KVNAND_VERSION_NUMBER == KVNAND_VERSION_MAJOR * 10000 + KVNAND_VERSION_MINOR * 100 + KVNAND_VERSION_PATCH,
              "kvnand.h version macros are inconsistent");

constexpr const char* kNullHandle = "the simulator handle is NULL";

/// Records the outcome of a failed call on the handle and returns its status.
kvnand_status fail(kvnand_sim& sim, kvnand_status status, const std::string& message) {
  sim.last_error = message;
  if (status == KVNAND_E_SIMULATION) sim.stopped = message;
  return status;
}

/// The status and message of the exception being handled (call inside a catch block).
kvnand_status status_of_current_exception(std::string& message) {
  try {
    throw;
  } catch (const CapiError& e) {
    message = e.what();
    return e.status();
  } catch (const kvnand::config::ConfigError& e) {
    message = e.what();
    return KVNAND_E_CONFIG;
  } catch (const sc_core::sc_report& e) {
    message = std::string("SystemC: ") + e.what();
    return KVNAND_E_SIMULATION;
  } catch (const std::bad_alloc&) {
    message = "out of host memory";
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown exception";
  }
  return KVNAND_E_INTERNAL;
}

/// Runs `body` on a usable simulator, turning every exception into a status.
template <typename Body>
kvnand_status guarded(kvnand_sim* sim, Body&& body) {
  if (sim == nullptr) return KVNAND_E_NULL;
  sim->last_error.clear();
  if (!sim->stopped.empty())
    return fail(*sim, KVNAND_E_STOPPED, "the simulator stopped after an error (" + sim->stopped + "); destroy it");
  try {
    return body(*sim->session);
  } catch (...) {
    std::string message;
    const kvnand_status status = status_of_current_exception(message);
    return fail(*sim, status, message);
  }
}

/// KVNAND_WORKLOADS_DIR, else the installed models beside this library (or the program it is
/// linked into), else the source tree the library was built from.
std::string workloads_dir() {
  if (const char* from_env = std::getenv("KVNAND_WORKLOADS_DIR"); from_env != nullptr && *from_env != '\0')
    return from_env;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&kvnand_version), &info) != 0 && info.dli_fname != nullptr) {
    const std::filesystem::path beside =
        std::filesystem::path(info.dli_fname).parent_path() / KVNAND_WORKLOADS_FROM_LIBDIR;
    std::error_code ec;
    if (std::filesystem::is_directory(beside, ec)) return beside.lexically_normal().string();
  }
  return KVNAND_SOURCE_WORKLOADS_DIR;
}

bool simulator_exists() {
  return sc_core::sc_get_status() != sc_core::SC_ELABORATION || !sc_core::sc_get_top_level_objects().empty();
}

using Loader = kvnand::PlatformConfig (*)(const char* source, const std::vector<kvnand::config::Override>& overrides);

kvnand_status create(const char* source, const char* const* overrides, std::size_t override_count, kvnand_sim** out,
                     Loader load) {
  if (out == nullptr) return KVNAND_E_NULL;
  *out = new (std::nothrow) kvnand_sim;
  if (*out == nullptr) return KVNAND_E_INTERNAL;
  kvnand_sim& sim = **out;
  kvnand_status status = KVNAND_OK;
  try {
    if (source == nullptr) throw CapiError(KVNAND_E_NULL, "the config (path or JSON text) is NULL");
    if (overrides == nullptr && override_count > 0)
      throw CapiError(KVNAND_E_NULL, "overrides is NULL but override_count is " + std::to_string(override_count));
    std::vector<kvnand::config::Override> parsed;
    for (std::size_t i = 0; i < override_count; ++i) {
      if (overrides[i] == nullptr) throw CapiError(KVNAND_E_NULL, "override " + std::to_string(i) + " is NULL");
      parsed.push_back(kvnand::config::parse_override(overrides[i]));
    }
    // The kernel prints a banner when it starts unless this is set; a library stays quiet.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    if (simulator_exists())
      throw CapiError(KVNAND_E_SECOND_SIMULATOR,
                      "a simulator was already created in this process: SystemC elaborates one model per process "
                      "and cannot build another, even after kvnand_destroy; run each simulation in its own process");
    kvnand::PlatformConfig config = load(source, parsed);
    if (!config.ifc)
      throw CapiError(KVNAND_E_CONFIG, config.origin +
                                           ": no \"ifc\", \"npu\" and \"dataflow\" sections; the C-ABI needs a decode "
                                           "platform such as platforms/tiny-capi.json");
    if (!config.session)
      throw CapiError(KVNAND_E_CONFIG, config.origin +
                                           ": no \"session\" section; the C-ABI needs at least session.model (add the "
                                           "section, or the override \"session.model=tiny-gqa\")");
    const std::string model_file = kvnand::resolve_model_path(config.session->model, workloads_dir());
    const kvnand::ModelSpec model = kvnand::load_model(model_file);
    // Opened before any module exists, so that a file that cannot be written leaves the process
    // free to create a simulator.
    std::unique_ptr<kvnand::TraceOutputs> traces;
    try {
      kvnand::check_trace_spec(config.trace);
    } catch (const std::invalid_argument& e) {
      throw CapiError(KVNAND_E_CONFIG, config.origin + ": trace: " + e.what());
    }
    if (config.trace.any()) {
      try {
        // Appends go on as long as the flash has room: the token signal gets its widest width.
        traces = std::make_unique<kvnand::TraceOutputs>(
            config.trace, kvnand::trace_layout(config, model, std::numeric_limits<std::uint32_t>::max()));
      } catch (const std::exception& e) {
        throw CapiError(KVNAND_E_CONFIG, config.origin + ": trace: " + e.what());
      }
    }
    sim.session =
        std::make_unique<kvnand::CapiSession>("kvnand", std::move(config), model, model_file, std::move(traces));
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return KVNAND_OK;
  } catch (...) {
    status = status_of_current_exception(sim.last_error);
  }
  sim.session.reset();
  sim.stopped = "kvnand_create failed: " + sim.last_error;
  return status;
}

kvnand_status submit(kvnand_sim* sim, const kvnand::TransactionRequest& request, kvnand_ticket* ticket) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    if (ticket == nullptr) throw CapiError(KVNAND_E_NULL, "ticket is NULL");
    *ticket = session.submit(request);
    return KVNAND_OK;
  });
}

kvnand_status blocking(kvnand_sim* sim, const kvnand::TransactionRequest& request, kvnand_timing* timing) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    const kvnand_ticket ticket = session.submit(request);
    std::string error;
    const kvnand_status status = session.wait(ticket, timing, error);
    if (status != KVNAND_OK) throw CapiError(status, error);
    return status;
  });
}

kvnand::TransactionRequest request(kvnand::TransactionKind kind, std::uint32_t layer, std::uint32_t head) {
  kvnand::TransactionRequest r;
  r.kind = kind;
  r.layer = layer;
  r.head = head;
  return r;
}

kvnand::TransactionRequest append_request(std::uint32_t layer, std::uint32_t kv_head, const std::uint16_t* k,
                                          const std::uint16_t* v) {
  kvnand::TransactionRequest r = request(kvnand::TransactionKind::Append, layer, kv_head);
  r.k = k;
  r.v = v;
  return r;
}

kvnand::TransactionRequest attend_request(kvnand::TransactionKind kind, std::uint32_t layer, std::uint32_t head,
                                          const std::uint16_t* q, float* out) {
  kvnand::TransactionRequest r = request(kind, layer, head);
  r.q = q;
  r.out = out;
  return r;
}

}  // namespace

extern "C" {

const char* kvnand_version(void) { return KVNAND_VERSION; }

const char* kvnand_status_name(kvnand_status status) {
  switch (status) {
    case KVNAND_OK: return "KVNAND_OK";
    case KVNAND_PENDING: return "KVNAND_PENDING";
    case KVNAND_E_NULL: return "KVNAND_E_NULL";
    case KVNAND_E_ARGUMENT: return "KVNAND_E_ARGUMENT";
    case KVNAND_E_CONFIG: return "KVNAND_E_CONFIG";
    case KVNAND_E_INDEX: return "KVNAND_E_INDEX";
    case KVNAND_E_NO_DATA: return "KVNAND_E_NO_DATA";
    case KVNAND_E_CAPACITY: return "KVNAND_E_CAPACITY";
    case KVNAND_E_OUT_OF_MEMORY: return "KVNAND_E_OUT_OF_MEMORY";
    case KVNAND_E_TICKET: return "KVNAND_E_TICKET";
    case KVNAND_E_TIME: return "KVNAND_E_TIME";
    case KVNAND_E_SIMULATION: return "KVNAND_E_SIMULATION";
    case KVNAND_E_STOPPED: return "KVNAND_E_STOPPED";
    case KVNAND_E_SECOND_SIMULATOR: return "KVNAND_E_SECOND_SIMULATOR";
    case KVNAND_E_INTERNAL: return "KVNAND_E_INTERNAL";
  }
  return "unknown status";
}

kvnand_status kvnand_create_from_file(const char* config_path, const char* const* overrides, size_t override_count,
                                      kvnand_sim** sim) {
  return create(config_path, overrides, override_count, sim, [](const char* path, const std::vector<kvnand::config::Override>& parsed) {
    return kvnand::load_platform(path, parsed);
  });
}

kvnand_status kvnand_create_from_json(const char* config_json, const char* const* overrides, size_t override_count,
                                      kvnand_sim** sim) {
  return create(config_json, overrides, override_count, sim, [](const char* text, const std::vector<kvnand::config::Override>& parsed) {
    return kvnand::load_platform_text(text, "<config JSON>", parsed);
  });
}

void kvnand_destroy(kvnand_sim* sim) {
  try {
    delete sim;
  } catch (...) {
    // Destroying modules does not throw in practice; a C caller must never see an exception.
  }
}

const char* kvnand_last_error(const kvnand_sim* sim) { return sim == nullptr ? kNullHandle : sim->last_error.c_str(); }

kvnand_status kvnand_get_shape(kvnand_sim* sim, kvnand_shape* shape) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    if (shape == nullptr) throw CapiError(KVNAND_E_NULL, "shape is NULL");
    *shape = session.shape();
    return KVNAND_OK;
  });
}

kvnand_status kvnand_append(kvnand_sim* sim, uint32_t layer, uint32_t kv_head, const uint16_t* k, const uint16_t* v,
                            kvnand_timing* timing) {
  return blocking(sim, append_request(layer, kv_head, k, v), timing);
}

kvnand_status kvnand_attend(kvnand_sim* sim, uint32_t layer, uint32_t q_head, const uint16_t* q, float* out,
                            kvnand_timing* timing) {
  return blocking(sim, attend_request(kvnand::TransactionKind::Attend, layer, q_head, q, out), timing);
}

kvnand_status kvnand_attend_group(kvnand_sim* sim, uint32_t layer, uint32_t kv_head, const uint16_t* q, float* out,
                                  kvnand_timing* timing) {
  return blocking(sim, attend_request(kvnand::TransactionKind::AttendGroup, layer, kv_head, q, out), timing);
}

kvnand_status kvnand_decode_step(kvnand_sim* sim, kvnand_timing* timing) {
  return blocking(sim, request(kvnand::TransactionKind::DecodeStep, 0, 0), timing);
}

kvnand_status kvnand_submit_append(kvnand_sim* sim, uint32_t layer, uint32_t kv_head, const uint16_t* k,
                                   const uint16_t* v, kvnand_ticket* ticket) {
  return submit(sim, append_request(layer, kv_head, k, v), ticket);
}

kvnand_status kvnand_submit_attend(kvnand_sim* sim, uint32_t layer, uint32_t q_head, const uint16_t* q, float* out,
                                   kvnand_ticket* ticket) {
  return submit(sim, attend_request(kvnand::TransactionKind::Attend, layer, q_head, q, out), ticket);
}

kvnand_status kvnand_submit_attend_group(kvnand_sim* sim, uint32_t layer, uint32_t kv_head, const uint16_t* q,
                                         float* out, kvnand_ticket* ticket) {
  return submit(sim, attend_request(kvnand::TransactionKind::AttendGroup, layer, kv_head, q, out), ticket);
}

kvnand_status kvnand_submit_decode_step(kvnand_sim* sim, kvnand_ticket* ticket) {
  return submit(sim, request(kvnand::TransactionKind::DecodeStep, 0, 0), ticket);
}

kvnand_status kvnand_poll(kvnand_sim* sim, kvnand_ticket ticket, kvnand_timing* timing) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    std::string error;
    const kvnand_status status = session.poll(ticket, timing, error);
    if (status != KVNAND_OK && status != KVNAND_PENDING) throw CapiError(status, error);
    return status;
  });
}

kvnand_status kvnand_wait(kvnand_sim* sim, kvnand_ticket ticket, kvnand_timing* timing) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    std::string error;
    const kvnand_status status = session.wait(ticket, timing, error);
    if (status != KVNAND_OK) throw CapiError(status, error);
    return status;
  });
}

kvnand_status kvnand_run_until_idle(kvnand_sim* sim) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    session.run_until_idle();
    return KVNAND_OK;
  });
}

kvnand_status kvnand_run_until(kvnand_sim* sim, uint64_t time_ps) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    session.run_until(time_ps);
    return KVNAND_OK;
  });
}

kvnand_status kvnand_now(kvnand_sim* sim, uint64_t* time_ps) {
  return guarded(sim, [&](kvnand::CapiSession&) {
    if (time_ps == nullptr) throw CapiError(KVNAND_E_NULL, "time_ps is NULL");
    *time_ps = sc_core::sc_time_stamp().value();
    return KVNAND_OK;
  });
}

kvnand_status kvnand_stats_json(kvnand_sim* sim, const char** json) {
  return guarded(sim, [&](kvnand::CapiSession& session) {
    if (json == nullptr) throw CapiError(KVNAND_E_NULL, "json is NULL");
    sim->stats = session.stats_json();
    *json = sim->stats.c_str();
    return KVNAND_OK;
  });
}

}  // extern "C"

// libsystemc refers to sc_main; programs using this library have their own main, so the library
// provides it. It is never called through kvnand.h.
int sc_main(int, char*[]) { return EXIT_FAILURE; }
