#include "peers.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace kinesys::test {
namespace {
std::string peers_dir() { return KINESYS_PEERS_DIR; }

std::optional<peer_server> start_node_server(char const* script)
{
  if (!peers_unavailable_reason().empty()) return std::nullopt;
  peer_server s{child_process({"node", peers_dir() + "/" + script, "0"}), 0};
  auto port = s.process.wait_for_port();
  if (!port) return std::nullopt;
  s.port = *port;
  return s;
}
}  // namespace

std::string peers_unavailable_reason()
{
  if (!std::filesystem::exists(peers_dir() + "/node_modules/kinesalite"))
    return "npm test peers are not installed: run `npm ci` in tests/peers (scripts/install-deps.sh does)";
  if (::system("node --version >/dev/null 2>&1") != 0)
    return "node is not on PATH: the npm test peers need Node.js";
  return {};
}

std::optional<peer_server> start_kinesalite() { return start_node_server("start-kinesalite.js"); }
std::optional<peer_server> start_dynalite() { return start_node_server("start-dynalite.js"); }

node_result run_node_script(std::string const& script, std::vector<std::string> const& args, std::string const& stdin_text)
{
  // stdin goes through a temporary file: simple, and no risk of a pipe
  // deadlock when the script writes a lot before reading everything.
  std::string input_path = std::filesystem::temp_directory_path() / ("kinesys-node-in-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  { std::ofstream(input_path, std::ios::binary) << stdin_text; }
  std::string cmd = "cd '" + peers_dir() + "' && node '" + script + "'";
  for (auto const& a : args) cmd += " '" + a + "'";
  cmd += " < '" + input_path + "'";
  node_result r{-1, {}};
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
    int status = ::pclose(f);
    r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::filesystem::remove(input_path);
  return r;
}

}  // namespace kinesys::test
