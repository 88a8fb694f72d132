// The one translation unit that compiles Beast. Every other TU sees
// BOOST_BEAST_SEPARATE_COMPILATION (a public definition of mrc_web) and only
// declares what is defined here, which saves seconds of parsing and
// instantiation per TU that uses Beast. Asio is compiled in sync/peer/asio_impl.cc,
// except its SSL part, compiled here, in the one library that links OpenSSL.
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
