#include "runt/tui/edit_buffer.hpp"

#include <gtest/gtest.h>

#include <clocale>

namespace runt::tui {
namespace {

TEST(EditBuffer, EditsLinesAndKeepsTheColumnAcrossShortLines) {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  EditBuffer b("print(1)\nx\nlonger line");
  EXPECT_EQ(b.cursor(), (Cursor{2, 11}));  // starts at the end
  b.up();
  EXPECT_EQ(b.cursor(), (Cursor{1, 1}));  // the short line's end
  b.up();
  EXPECT_EQ(b.cursor(), (Cursor{0, 8}));  // the goal column comes back
  b.home();
  b.insert("a = ");
  EXPECT_EQ(b.lines()[0], "a = print(1)");
  b.end();
  b.insert("\n");
  b.insert("y");
  EXPECT_EQ(b.text(), "a = print(1)\ny\nx\nlonger line");
  b.backspace();
  b.backspace();  // joins with the line above
  EXPECT_EQ(b.text(), "a = print(1)\nx\nlonger line");
  EXPECT_EQ(b.cursor(), (Cursor{0, 12}));
  b.delete_forward();  // pulls the next line up
  EXPECT_EQ(b.lines()[0], "a = print(1)x");
  EXPECT_TRUE(b.modified());
}

TEST(EditBuffer, MovesByCharacterNotByte) {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  EditBuffer b("héllo ✓");
  b.left();
  EXPECT_EQ(b.cursor().byte, std::string("héllo ").size());
  b.backspace();
  EXPECT_EQ(b.text(), "héllo✓");
  b.home();
  b.right();
  b.right();
  b.delete_forward();  // "l": the cursor stood after "hé"
  EXPECT_EQ(b.text(), "hélo✓");
  b.left();
  b.delete_forward();  // the é, both bytes at once
  EXPECT_EQ(b.text(), "hlo✓");
}

TEST(EditBuffer, UndoesAWordAtATime) {
  EditBuffer b("");
  for (const char* c : {"h", "e", "l", "l", "o", " ", "w", "o"}) b.insert(c);
  EXPECT_EQ(b.text(), "hello wo");
  ASSERT_TRUE(b.undo());
  EXPECT_EQ(b.text(), "hello");
  ASSERT_TRUE(b.undo());
  EXPECT_EQ(b.text(), "");
  EXPECT_FALSE(b.undo());
  ASSERT_TRUE(b.redo());
  EXPECT_EQ(b.text(), "hello");
  EXPECT_TRUE(b.modified());  // "hello" against an empty start
}

}  // namespace
}  // namespace runt::tui
