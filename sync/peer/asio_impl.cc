// The one translation unit that compiles Asio (BOOST_ASIO_SEPARATE_COMPILATION
// is a public definition of mrc_sync, so every TU that includes Asio only
// declares what is defined here).
#include <boost/asio/impl/src.hpp>
