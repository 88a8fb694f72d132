# Writes a C++ source holding files as byte arrays, for web/ui/embedded.h:
#   cmake -DOUT=embedded_data.cc -DBASE=dir -DFILES="assets/style.css;i18n/en.json" -P embed.cmake
# Run at build time, so that editing an asset or a catalogue rebuilds only
# this one file.
set(body "// Generated from web/ui/ by web/ui/embed.cmake; do not edit.\n#include \"web/ui/embedded.h\"\n\nnamespace mrc::web {\nnamespace {\n")
set(table "")
set(index 0)
foreach(name IN LISTS FILES)
  file(READ "${BASE}/${name}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char k${index}[] = {${bytes}0x00};\n")
  string(APPEND table "    {\"${name}\", {reinterpret_cast<const char*>(k${index}), ${size}}},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND body "}  // namespace\n\nstd::span<const EmbeddedFile> EmbeddedFiles() {\n  static const EmbeddedFile files[] = {\n${table}  };\n  return files;\n}\n\n}  // namespace mrc::web\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
