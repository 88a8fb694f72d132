// One HTTP connection, after Beast's example/http/server/async: the session
// lives on its own strand, kept alive by its pending operation
// (shared_from_this); DoX starts an operation and OnX finishes it, checking
// the error first. One request at a time, so one write in flight.
//
// A request is read in two steps, header then body, so the framing can be
// vetted before a body byte is consumed: a Transfer-Encoding other than
// exactly "chunked", a repeated one, or one beside Content-Length is how
// request smuggling starts, and gets a 400. An error response closes the
// connection after a "lingering close" (stop sending, then read and discard
// for up to 2 s) so that a client still sending an oversized body reads the
// 413 instead of a connection reset.
#include "web/http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_generator.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <type_traits>

#include "config/config.h"
#include "config/foundation/log.h"
#include "web/http/tls.h"

namespace mrc::web::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
namespace ssl = net::ssl;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kHeaderLimit = 8 * 1024;
// Lingering close after an error response: long enough for a client on
// loopback or a LAN to finish sending, short enough not to tie up a slot.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kDrainChunk = 16 * 1024;
// What a connection's read buffer may hold. The parser's limits cover the
// header block and the body, but not a chunk's size line (with its
// extensions) or the trailers, which it waits to see whole: without a cap
// on the buffer they grew as long as a client kept sending. Body bytes pass
// through the buffer a read at a time, so the cap does not limit them.
constexpr std::size_t kReadBufferLimit = 32 * 1024;

// Empty when the request's framing is acceptable, otherwise why it is not.
std::string FramingProblem(const http::request<http::string_body>& req) {
  auto te = req.equal_range(http::field::transfer_encoding);
  auto count = std::distance(te.first, te.second);
  if (count == 0) return {};
  if (count > 1) return "Transfer-Encoding is given more than once";
  if (req.count(http::field::content_length) > 0) {
    return "a request must not have both Transfer-Encoding and Content-Length";
  }
  if (!beast::iequals(te.first->value(), "chunked")) {
    return "Transfer-Encoding '" + std::string(te.first->value().substr(0, 80)) +
           "' is not supported; only 'chunked' is";
  }
  if (req.version() < 11) return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
  return {};
}

// Empty when the Host header is acceptable, otherwise why not. A web page on
// another site can make the browser send requests here through DNS
// rebinding (evil.example resolving to 127.0.0.1 or to this node's LAN
// address); its Host header still says evil.example, and that is the only
// sign. So a Host must be a loopback address or, over TLS, a name the
// certificate holds (`tls_names`): a browser reaches the node by no other
// name without a certificate warning.
// A missing or repeated Host is malformed (400); a foreign one is 421.
// `loopback` tells whether the Host is a loopback name or address.
std::string HostProblem(const http::request<http::string_body>& req, const Shared& shared,
                        int* status, bool* loopback) {
  *status = 400;
  *loopback = false;
  auto hosts = req.equal_range(http::field::host);
  auto count = std::distance(hosts.first, hosts.second);
  if (count == 0) return req.version() < 11 ? "" : "an HTTP/1.1 request needs a Host header";
  if (count > 1) return "Host is given more than once";
  *status = 421;
  std::string_view host = hosts.first->value();
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    host = close == std::string_view::npos ? std::string_view() : host.substr(1, close - 1);
  } else {
    host = host.substr(0, host.rfind(':'));
  }
  *loopback = config::IsLoopback(host);
  if (*loopback) return {};
  const std::string shown(hosts.first->value().substr(0, 100));
  if (!shared.tls) {
    return "Host '" + shown +
           "' is not a loopback address; open the node as http://127.0.0.1:PORT/";
  }
  if (HostMatchesNames(host, shared.tls_names)) return {};
  return "Host '" + shown +
         "' is neither a loopback address nor a name in the node's certificate; open the node "
         "by a name `mrcnode tls show` lists";
}

HttpRequest ToHttpRequest(http::request<http::string_body>&& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = r.headers.emplace(std::move(name), std::string(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  r.body = std::move(req.body());
  return r;
}

// Headers the transport owns, and values that would split the header block.
bool HandlerMaySet(std::string_view name, std::string_view value) {
  for (std::string_view own :
       {"content-length", "content-type", "connection", "transfer-encoding"}) {
    if (beast::iequals(name, own)) return false;
  }
  if (name.empty()) return false;
  for (char c : name) {
    if (c <= ' ' || c == ':' || c == 127) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Over TLS: every cookie is Secure (a browser then never sends it over
// plain HTTP, where anyone on the network could read it), and with `hsts`
// HSTS tells the browser to use nothing but HTTPS for this host for a year
// (on every port: docs/operations.md).
void AddTlsHeaders(HttpResponse* r, bool hsts) {
  for (auto& [name, value] : r->headers) {
    if (!beast::iequals(name, "set-cookie")) continue;
    std::string lower = value;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("; secure") == std::string::npos) value += "; Secure";
  }
  if (hsts && r->Header("Strict-Transport-Security") == nullptr) {
    r->headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  }
}

// A response to HEAD keeps its Content-Length but sends no body; a body would
// be read as the start of the next response.
http::message_generator MakeResponse(HttpResponse r, unsigned version, bool keep_alive, bool tls,
                                     bool hsts, bool head = false) {
  if (r.status < 100 || r.status > 599) {
    r = ErrorResponse(500, "INTERNAL", "handler returned HTTP status " + std::to_string(r.status));
  }
  AddStandardHeaders(&r);
  if (tls) AddTlsHeaders(&r, hsts);
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) {
    if (HandlerMaySet(name, value)) res.set(name, value);
  }
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return http::message_generator(std::move(res));
}

std::uint64_t NowMillis() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
          .count());
}

}  // namespace

// One request's way back to its session, from whichever thread answers it.
// Sent once; dropped unsent, it answers 500.
class Reply {
 public:
  Reply(std::weak_ptr<Session> session, std::shared_ptr<ReplyGate> gate)
      : session_(std::move(session)), gate_(std::move(gate)) {}
  ~Reply();
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  void Send(HttpResponse response);

 private:
  // Not the session's executor: a copy of a strand's executor must not
  // outlive its io_context, and a Reply may outlive the server.
  std::weak_ptr<Session> session_;
  std::shared_ptr<ReplyGate> gate_;
  std::atomic<bool> sent_{false};
};

// What the server and a Reply see of a connection, whichever its stream.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(Shared* shared) : shared_(shared) {}
  virtual ~Session() { shared_->Unregister(this); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& address() const { return address_; }

  // Called on the server's strand, which serialises it with shutdown.
  virtual void Start() = 0;
  // Any thread: close if idle, else finish the current request and close.
  virtual void Shutdown() = 0;
  // Any thread: the connection no longer counts (it makes room for another);
  // close it if idle, even part way through a request's header or its TLS
  // handshake.
  virtual void Evict() = 0;
  // Only once no thread runs the io_context.
  virtual void ForceClose() = 0;
  // Any thread while the server runs: the answer to the request being
  // handled.
  virtual void PostResponse(HttpResponse response) = 0;

 protected:
  Shared* shared_;
  std::string peer_;     // "127.0.0.1:53412"
  std::string address_;  // "127.0.0.1": whose connection budget it counts in
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection over `Stream`: PlainStream, or TlsStream whose handshake
// comes first.
template <class Stream>
class Connection final : public Session {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(tcp::socket&& socket, Shared* shared)
      : Session(shared), stream_(MakeStream(std::move(socket), shared)) {
    beast::error_code ec;
    auto ep = Lowest().socket().remote_endpoint(ec);
    peer_ = ec ? "?" : EndpointString(ep);
    address_ = ec ? "?" : ep.address().to_string();
  }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = Self()] {
      if constexpr (kTls) {
        self->DoHandshake();
      } else {
        self->DoReadHeader();
      }
    });
  }
  void Shutdown() override {
    net::post(stream_.get_executor(), [self = Self()] { self->OnShutdown(); });
  }
  void Evict() override {
    net::post(stream_.get_executor(), [self = Self()] { self->OnEvict(); });
  }
  void ForceClose() override {
    beast::error_code ec;
    Lowest().socket().close(ec);
    waiting_.reset();
  }
  void PostResponse(HttpResponse response) override {
    net::post(stream_.get_executor(), [self = Self(), r = std::move(response)]() mutable {
      self->OnResponse(std::move(r));
    });
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, Shared* shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared->tls);
    } else {
      (void)shared;
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Connection> Self() {
    return std::static_pointer_cast<Connection>(shared_from_this());
  }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // A stranger may open TCP and never finish the handshake: it waits as an
  // idle connection does, counted in the budget, evictable, and bounded by
  // the same timeout.
  // The first bytes say whether the client speaks TLS at all: someone who
  // typed http:// for this address gets a plain answer saying so, rather
  // than a connection that closes without a word.
  void DoHandshake() {
    state_ = State::kHandshake;
    shared_->SetIdle(this, true);
    Lowest().expires_after(timeout());
    beast::async_detect_ssl(Lowest(), buffer_,
                            beast::bind_front_handler(&Connection::OnDetect, Self()));
  }

  void OnDetect(beast::error_code ec, bool tls) {
    if (ec) return;  // closed, timed out or evicted before a byte came
    if (!tls) return RefusePlainHttp();
    stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                            beast::bind_front_handler(&Connection::OnHandshake, Self()));
  }

  void OnHandshake(beast::error_code ec, std::size_t used) {
    if (ec) {
      if (ec != net::error::operation_aborted) {
        log::Debug("http", peer_ + ": TLS handshake failed: " + ec.message());
      }
      return;
    }
    buffer_.consume(used);
    DoReadHeader();
  }

  void RefusePlainHttp() {
    static constexpr std::string_view kAnswer =
        "HTTP/1.1 400 Bad Request\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Length: 63\r\n"
        "Connection: close\r\n\r\n"
        "This address serves HTTPS only: open it with https:// instead.\n";
    log::Debug("http", peer_ + ": plain HTTP on the HTTPS port");
    state_ = State::kClosing;
    net::async_write(Lowest(), net::buffer(kAnswer.data(), kAnswer.size()),
                     [self = Self()](beast::error_code, std::size_t) {
                       beast::error_code ignored;
                       self->Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
                       self->Lowest().close();
                     });
  }

  void OnResponse(HttpResponse response) {
    auto self = std::move(waiting_);
    if (!self) return;
    LogRequest(request_method_, request_target_, response.status, response.body.size());
    bool keep_alive = keep_alive_ && !shared_->stopping && !evicted_;
    Write(MakeResponse(std::move(response), version_, keep_alive, kTls, hsts_, head_),
          /*linger=*/false);
  }

  enum class State { kHandshake, kIdle, kReading, kHandling, kClosing };

  std::chrono::seconds timeout() const {
    return std::chrono::seconds(shared_->options.timeout_seconds);
  }

  void DoReadHeader() {
    state_ = State::kIdle;
    shared_->SetIdle(this, true);
    // What the last request took is given back: an idle connection keeps
    // no more than the bytes of a pipelined request already read.
    buffer_.shrink_to_fit();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(shared_->options.body_limit);
    Lowest().expires_after(timeout());
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Connection::OnReadHeader, Self()));
  }

  void OnReadHeader(beast::error_code ec, std::size_t) {
    shared_->SetIdle(this, false);
    if (ec) return OnReadError(ec);
    state_ = State::kReading;
    started_ = Clock::now();
    hsts_ = false;
    if (std::string why = FramingProblem(parser_->get()); !why.empty()) {
      return SendError(400, "BAD_REQUEST", why);
    }
    int status = 0;
    bool loopback = false;
    std::string why = HostProblem(parser_->get(), *shared_, &status, &loopback);
    // Not for a loopback Host: HSTS for "localhost" would take plain HTTP
    // away from every other local service in that browser for a year (and
    // browsers ignore it for IP addresses).
    hsts_ = kTls && !loopback && why.empty();
    if (!why.empty()) {
      return SendError(status, status == 421 ? "MISDIRECTED_REQUEST" : "BAD_REQUEST", why);
    }
    if (parser_->is_done()) return OnRead({}, 0);
    Lowest().expires_after(timeout());
    if (parser_->get().version() >= 11 &&
        beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      // curl and others wait up to 1 s for this before sending a body.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              beast::bind_front_handler(&Connection::OnContinue, Self()));
    }
    DoReadBody();
  }

  void OnContinue(beast::error_code ec, std::size_t) {
    if (ec) return;
    DoReadBody();
  }

  void DoReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, Self()));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return DoClose();  // closed between requests
    if (ec == http::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE",
                       "request body exceeds the limit of " +
                           std::to_string(shared_->options.body_limit) + " bytes");
    }
    if (ec == http::error::buffer_overflow) {
      return SendError(431, "HEADERS_TOO_LARGE",
                       "a chunk's size line or the trailers exceed " +
                           std::to_string(kReadBufferLimit) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendError(
          431, "HEADERS_TOO_LARGE",
          "request headers exceed the limit of " + std::to_string(kHeaderLimit) + " bytes");
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::partial_message) {
      return SendError(400, "BAD_REQUEST", "malformed HTTP request: " + ec.message());
    }
    // Timeout (tcp_stream has closed the socket), reset, shutdown, client gone.
    if (ec != net::error::operation_aborted) {
      log::Debug("http", peer_ + ": connection closed: " + ec.message());
    }
  }

  // The handler answers through a Reply, at once or later from another
  // thread; meanwhile the session keeps itself alive (`waiting_`) without
  // a pending operation, and holds no HTTP thread.
  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    state_ = State::kHandling;
    http::request<http::string_body> req = parser_->release();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    HttpRequest request = ToHttpRequest(std::move(req));
    request.remote = peer_;
    request.tls = kTls;
    request_method_ = request.method.substr(0, 20);
    request_target_ = request.target.substr(0, 200);
    waiting_ = Self();
    auto reply = std::make_shared<Reply>(weak_from_this(), shared_->gate);
    Respond respond = [reply](HttpResponse r) { reply->Send(std::move(r)); };
    try {
      shared_->handler(std::move(request), respond);
    } catch (const std::exception& e) {
      log::Error("http", request_method_ + " " + request_target_ + ": handler threw: " + e.what());
      respond(ErrorResponse(500, "INTERNAL", std::string("internal error: ") + e.what()));
    } catch (...) {
      log::Error("http", request_method_ + " " + request_target_ + ": handler threw");
      respond(ErrorResponse(500, "INTERNAL", "internal error"));
    }
  }

  // An error response ends the connection: after a framing or size error the
  // rest of the byte stream cannot be trusted to start a request.
  void SendError(int status, std::string_view code, std::string message) {
    const auto& req = parser_->get();
    LogRequest(std::string(req.method_string()), std::string(req.target()), status, 0);
    log::Debug("http", peer_ + ": " + message);
    state_ = State::kHandling;
    unsigned version = req.version() == 10 ? 10 : 11;
    Write(MakeResponse(ErrorResponse(status, code, message), version, false, kTls, hsts_),
          /*linger=*/true);
  }

  void Write(http::message_generator msg, bool linger) {
    bool keep_alive = msg.keep_alive();
    Lowest().expires_after(timeout());
    beast::async_write(stream_, std::move(msg),
                       beast::bind_front_handler(&Connection::OnWrite, Self(), keep_alive, linger));
  }

  void OnWrite(bool keep_alive, bool linger, beast::error_code ec, std::size_t) {
    if (ec) return;
    if (linger) return DoLinger();
    if (!keep_alive || shared_->stopping || evicted_) return DoClose();
    DoReadHeader();
  }

  // Sends FIN (over TLS, close_notify first); the socket closes when the
  // last handler releases the session.
  void DoClose() {
    state_ = State::kClosing;
    if constexpr (kTls) {
      // Waits for the client's close_notify, which many never send: bounded.
      Lowest().expires_after(kLingerTime);
      stream_.async_shutdown([self = Self()](beast::error_code) {
        beast::error_code ec;
        self->Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      });
    } else {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  // Over TLS the drain reads and discards records, and close_notify is not
  // sent first; the socket closes when the drain ends.
  void DoLinger() {
    if constexpr (kTls) {
      state_ = State::kClosing;
    } else {
      DoClose();
    }
    Lowest().expires_after(kLingerTime);  // one deadline for all the reads below
    buffer_.clear();
    DoDrain();
  }

  void DoDrain() {
    stream_.async_read_some(buffer_.prepare(kDrainChunk),
                            beast::bind_front_handler(&Connection::OnDrain, Self()));
  }

  void OnDrain(beast::error_code ec, std::size_t) {
    if (ec) return;  // EOF, timeout or reset: done
    DoDrain();
  }

  void OnShutdown() {
    if ((state_ == State::kIdle && buffer_.size() == 0) || state_ == State::kClosing ||
        state_ == State::kHandshake) {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
      Lowest().close();  // cancels the pending read; its handler releases us
    }
    // Otherwise the current request completes and OnWrite closes.
  }

  void OnEvict() {
    evicted_ = true;
    if (state_ == State::kIdle || state_ == State::kHandshake) {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
      Lowest().close();
    }
    // Otherwise the current request completes and OnWrite closes.
  }

  void LogRequest(const std::string& method, const std::string& target, int status,
                  std::size_t bytes) {
    if (log::GetLevel() > log::Level::kDebug) return;
    std::chrono::duration<double, std::milli> took = Clock::now() - started_;
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f ms", took.count());
    log::Debug("http", peer_ + " " + method.substr(0, 20) + " " + target.substr(0, 200) + " " +
                           std::to_string(status) + " " + std::to_string(bytes) + " B " + ms);
  }

  Stream stream_;
  beast::flat_buffer buffer_{kReadBufferLimit};
  std::optional<http::request_parser<http::string_body>> parser_;
  State state_ = State::kIdle;
  bool evicted_ = false;  // it made room for another: close after this request
  Clock::time_point started_ = Clock::now();
  // The request being handled, until its response is written.
  std::shared_ptr<Session> waiting_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool hsts_ = false;  // HSTS with the current response
  std::string request_method_, request_target_;
};

Reply::~Reply() {
  Send(ErrorResponse(500, "INTERNAL", "the request was dropped without an answer"));
}

void Reply::Send(HttpResponse response) {
  if (sent_.exchange(true)) return;
  // While the gate is open the server runs, so the session, if it is still
  // there, may be released here, even as its last owner.
  std::lock_guard lock(gate_->mu);
  if (!gate_->open) return;
  if (auto session = session_.lock()) session->PostResponse(std::move(response));
}

bool Shared::Admit(Session* s, std::weak_ptr<Session> w, const std::string& address,
                   std::shared_ptr<Session>* make_room) {
  std::lock_guard lock(mu);
  ConnectionBudget::Admission a = budget.Admit(s, address, NowMillis());
  if (!a.admitted) return false;
  sessions.emplace(s, std::move(w));
  auto room = sessions.find(static_cast<Session*>(const_cast<void*>(a.make_room)));
  if (room != sessions.end()) *make_room = room->second.lock();
  return true;
}

void Shared::SetIdle(Session* s, bool idle) {
  std::lock_guard lock(mu);
  budget.SetIdle(s, idle, NowMillis());
}

std::string EndpointString(const tcp::endpoint& endpoint) {
  return config::HostPort{endpoint.address().to_string(), endpoint.port()}.ToString();
}

bool StartSession(tcp::socket socket, Shared* shared) {
  std::shared_ptr<Session> session;
  if (shared->tls) {
    session = std::make_shared<Connection<TlsStream>>(std::move(socket), shared);
  } else {
    session = std::make_shared<Connection<PlainStream>>(std::move(socket), shared);
  }
  std::shared_ptr<Session> make_room;
  if (!shared->Admit(session.get(), session, session->address(), &make_room)) return false;
  if (make_room) make_room->Evict();
  session->Start();
  return true;
}

void ShutdownSession(const std::shared_ptr<Session>& session) { session->Shutdown(); }

void ForceCloseSession(const std::shared_ptr<Session>& session) { session->ForceClose(); }

}  // namespace mrc::web::detail
