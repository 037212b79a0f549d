// Reading and importing .ipynb files. The cases below are inputs the ipynb fuzzer
// (tests/fuzz/ipynb_fuzz.cpp) found mishandled.

#include "runt/ipynb/ipynb.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace runt::ipynb {
namespace {

Json read(const std::string& text) {
  std::istringstream in(text);
  return read_notebook(in);
}

TEST(Ipynb, ImportsEveryCellWhenAddingNbformatMinorGrowsTheNotebook) {
  // Four top-level keys fill the object; adding "nbformat_minor" moves them, and import_cells
  // used to read the cells through a reference into the old storage.
  Json notebook = read(R"({"cells":[{"cell_type":"code","id":"a","source":"1+1"},{"cell_type":"markdown","id":"b","source":"# b"}],
                           "metadata":{},"nbformat":4,"x":0})");
  const auto events = import_cells(notebook, "u");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(std::get<schema::events::CellCreatedV2>(events[0]).id, "a");
  EXPECT_EQ(std::get<schema::events::CellSourceChanged>(events[3]).source, "# b");
  EXPECT_EQ(notebook["nbformat_minor"], 5);
}

TEST(Ipynb, OddNbformatMinorBecomesFive) {
  for (const char* minor : {R"("4")", "null", "4.5", "-1"}) {
    Json notebook = read(std::string(R"({"nbformat":4,"nbformat_minor":)") + minor + R"(,"cells":[{"cell_type":"raw","source":"r"}]})");
    EXPECT_EQ(import_cells(notebook, "u").size(), 2u) << minor;
    EXPECT_EQ(notebook["nbformat_minor"], 5) << minor;
  }
  Json later = read(R"({"nbformat":4,"nbformat_minor":7,"cells":[]})");
  import_cells(later, "u");
  EXPECT_EQ(later["nbformat_minor"], 7);
}

TEST(Ipynb, ANonStringCellTypeIsAnIpynbError) {
  EXPECT_THROW(read(R"({"nbformat":4,"cells":[{"cell_type":1,"source":""}]})"), IpynbError);
  EXPECT_THROW(read(R"({"nbformat":4,"cells":[{"cell_type":["code"],"source":""}]})"), IpynbError);
}

TEST(Ipynb, OnlyNbformatFourIsFour) {
  // 2^32 + 4 used to be read as an int, which kept its low bits: 4.
  EXPECT_THROW(read(R"({"nbformat":4294967300,"cells":[]})"), IpynbError);
  EXPECT_NO_THROW(read(R"({"nbformat":4,"cells":[]})"));
}

}  // namespace
}  // namespace runt::ipynb
