// Builds the command scheduler a controller spec asks for.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "channel/channel_spec.h"
#include "controller/command_scheduler.h"
#include "controller/controller_spec.h"

namespace kvnand {

/// A platform the chosen scheduler cannot run: the config key at fault and what is wrong.
struct ConfigMisfit {
  std::string key;
  std::string problem;
};

/// Why the scheduler `spec` asks for cannot serve this platform (the RTL's built-in limits), or nothing.
std::optional<ConfigMisfit> scheduler_misfit(const ControllerSpec& spec, const ChannelSpec& channels);

/// Whether this build has the RTL scheduler (Verilator was found when it was configured).
bool rtl_scheduler_available();

/// The scheduler for `spec.scheduler`, an sc_module child of the module being constructed.
/// Throws std::invalid_argument when the RTL scheduler is asked for but not built in, or when
/// the platform does not fit the RTL's parameters.
std::unique_ptr<CommandScheduler> make_command_scheduler(const char* name, const ControllerSpec& spec,
                                                         const ChannelSpec& channels);

}  // namespace kvnand
