// `mrcnode config check` and `mrcnode doctor`: what an administrator must
// fix in a config file and a data directory, without starting the node
// (docs/operations.md, "Checking the node: config check and doctor").
#pragma once

#include <string>

namespace mrc::node {

// Checks `file` (a config file), or DATA/config.toml when `file` is "":
// every invalid value with its key and line, the files it names, and its
// addresses. Prints "ok" and a summary (exit 0) or each problem (exit 1).
// Works while a node runs.
int CmdConfigCheck(const std::string& data_dir, const std::string& file);

// Checks the data directory: the config, owner and modes of the key files,
// free disk space, the UI's certificate, the clock, the newest backup, and
// the node (through its API when it runs, else by opening the store).
// Prints one line per check: "ok", "warning" or "problem", with what to do.
// Exit status: 0 all ok, 1 warnings only, 3 problems.
int CmdDoctor(const std::string& data_dir);

}  // namespace mrc::node
