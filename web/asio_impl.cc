// The one translation unit that compiles Asio and Beast. Every other TU sees
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION (public
// definitions of mrc_web) and only declares what is defined here, which saves
// ~7 s of parsing and instantiation per TU that uses them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
