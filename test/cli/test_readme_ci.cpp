// The README's two commands are the ones users and CI run.
#include <gtest/gtest.h>

#include "run_process.h"

namespace kvnand::test {
namespace {

const std::string kSource = KVNAND_SOURCE_DIR;

/// The first line of the README's code blocks that follows the line containing `marker`.
std::string readme_command(const std::string& marker) {
  std::istringstream readme(read_text(kSource + "/README.md"));
  std::string line;
  bool seen = false;
  while (std::getline(readme, line)) {
    if (line.find(marker) != std::string::npos) seen = true;
    if (seen && line.rfind("```", 0) == 0) {
      std::getline(readme, line);
      return line;
    }
  }
  return {};
}

TEST(ReadmeAndCi, CiRunsTheReadmeTestCommand) {
  const std::string command = readme_command("Run the whole test suite");
  ASSERT_FALSE(command.empty());
  const std::string ci = read_text(kSource + "/.ci/run");
  EXPECT_NE(ci.find("\n" + command + "\n"), std::string::npos) << "README: " << command << "\n.ci/run:\n" << ci;
}

TEST(ReadmeAndCi, MainJobCommandSetsUpBuildsAndRunsKvnandSim) {
  const std::string command = readme_command("Build and run the main job");
  EXPECT_EQ(command.rfind("bash .ci/setup && cmake --workflow --preset build && ", 0), 0u) << command;
  EXPECT_NE(command.find("build/sc_main/kvnand-sim --platform platforms/kvnand-c16.json"), std::string::npos) << command;
}

}  // namespace
}  // namespace kvnand::test
