#include "controller/scheduler_factory.h"

#include <stdexcept>

#include "controller/tlm_scheduler.h"
#ifdef KVNAND_HAVE_RTL_SCHEDULER
#include "controller/rtl/rtl_scheduler.h"
#endif

namespace kvnand {

bool rtl_scheduler_available() {
#ifdef KVNAND_HAVE_RTL_SCHEDULER
  return true;
#else
  return false;
#endif
}

std::optional<ConfigMisfit> scheduler_misfit([[maybe_unused]] const ControllerSpec& spec,
                                             [[maybe_unused]] const ChannelSpec& channels) {
#ifdef KVNAND_HAVE_RTL_SCHEDULER
  if (spec.scheduler == SchedulerKind::Rtl) return rtl_scheduler_misfit(spec, channels);
#endif
  return std::nullopt;
}

std::unique_ptr<CommandScheduler> make_command_scheduler(const char* name, const ControllerSpec& spec,
                                                         const ChannelSpec& channels) {
  if (spec.scheduler == SchedulerKind::Tlm)
    return std::make_unique<TlmScheduler>(name, spec, channels.total_dies());
#ifdef KVNAND_HAVE_RTL_SCHEDULER
  return std::make_unique<RtlScheduler>(name, spec, channels);
#else
  throw std::invalid_argument("this build has no RTL scheduler (parse_controller_spec refuses \"rtl\" in it)");
#endif
}

}  // namespace kvnand
