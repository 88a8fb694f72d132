// Running the real mrcnode binary from tests: one-shot commands with their
// output, and a background `mrcnode run` stopped with SIGTERM. Every wait is
// bounded in time.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace mrc::e2e {

// The mrcnode program under test, and the sample content it imports.
inline const std::string kBin = MRCNODE_BIN;
inline const std::string kSample = std::string(MRC_SOURCE_DIR) + "/scripts/sample";

struct Output {
  int status = -1;  // exit code, or 128 + signal
  std::string out, err;
};

// `env`: "NAME=value" settings added to this process's environment.
inline pid_t Spawn(const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd,
                   const std::vector<std::string>& env = {}) {
  // Built before the fork: the child only calls what is safe after one.
  // The added settings come first: getenv finds the first of a name.
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    // Drop every other inherited descriptor (the parent's pipe ends among
    // them), or the child would hold its own stdin open.
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

// Runs to completion (killed after `timeout`), feeding `input` on stdin.
inline Output Run(const std::vector<std::string>& args, const std::string& input = "",
                  std::chrono::seconds timeout = std::chrono::seconds(60)) {
  int in[2], out[2], err[2];
  if (::pipe(in) || ::pipe(out) || ::pipe(err)) return {};
  pid_t pid = Spawn(args, in[0], out[1], err[1]);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  Output o;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? o.out : o.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  if (open_fds > 0) ::kill(pid, SIGKILL);
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

// A `mrcnode run` in the background; its output goes to files in `dir`.
// `env` as for Spawn.
class Server {
 public:
  Server(const std::string& bin, const std::string& data_dir,
         const std::vector<std::string>& env = {})
      : data_dir_(data_dir) {
    int null_in = ::open("/dev/null", O_RDONLY);
    int out = ::open((data_dir + "/run.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((data_dir + "/run.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_ = Spawn({bin, "run", "--data", data_dir}, null_in, out, err, env);
    ::close(null_in);
    ::close(out);
    ::close(err);
  }
  ~Server() {
    if (pid_ > 0) Stop();
  }

  // The HTTP address from node.json, once the node serves (empty on timeout).
  std::string WaitForAddress(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    return WaitForField("http", timeout);
  }
  // The peer listen address from node.json (empty on timeout or when none).
  std::string PeerAddress() { return WaitForField("peer", std::chrono::seconds(30)); }

  std::string WaitForField(const std::string& field, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string key = "\"" + field + "\":\"";
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(data_dir_ + "/node.json");
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      auto pos = text.find(key);
      if (pos != std::string::npos) {
        pos += key.size();
        return text.substr(pos, text.find('"', pos) - pos);
      }
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    std::filesystem::remove(data_dir_ + "/node.json");  // stale after a kill
  }

  // SIGTERM, then the exit status (SIGKILL after 15 s).
  int Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return 128 + SIGKILL;
  }

  pid_t pid() const { return pid_; }

  std::string Stderr() const {
    std::ifstream in(data_dir_ + "/run.err");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string data_dir_;
  pid_t pid_ = -1;
};

}  // namespace mrc::e2e
