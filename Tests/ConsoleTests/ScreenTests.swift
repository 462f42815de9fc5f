@testable import Console
import Foundation
import Testing

@Suite struct ScreenTests {
    @Test func textIsClippedToTheGivenWidthAndTheScreen() {
        var screen = Screen(size: Size(rows: 2, columns: 10))
        #expect(screen.put("hello world", row: 0, column: 0, maxWidth: 5) == 5)
        #expect(screen.put("0123456789abc", row: 1, column: 4) == 6)
        #expect(screen.text() == ["hello", "    012345"])
    }

    @Test func fixedWidthPutTruncatesWithAnEllipsisOrPads() {
        var screen = Screen(size: Size(rows: 2, columns: 12))
        screen.put("a-long-topic-name", row: 0, column: 0, width: 8)
        screen.put("42", row: 1, column: 0, width: 6, alignRight: true)
        #expect(screen.row(0) == "a-long-…")
        #expect(screen.row(1) == "    42")
    }

    @Test func styledCellsKeepTheirStyle() {
        var screen = Screen(size: Size(rows: 1, columns: 6))
        let warning = Style(foreground: .yellow, attributes: .bold)
        screen.put("ab", row: 0, column: 1, style: warning)
        #expect(screen.cell(0, 1).style == warning)
        #expect(screen.cell(0, 2).character == "b")
        #expect(screen.cell(0, 0).style == .plain)
    }

    @Test func controlCharactersInUserDataAreShownAsVisibleStandIns() {
        var screen = Screen(size: Size(rows: 1, columns: 20))
        screen.put("a\u{1B}[2Jb\nc\u{7F}\u{202E}", row: 0, column: 0)
        #expect(screen.row(0) == "a\u{241B}[2Jb\u{240A}c\u{2421}\u{FFFD}")
        var ascii = Screen(size: Size(rows: 1, columns: 20), glyphs: .ascii)
        ascii.put("a\u{1B}b\tcé", row: 0, column: 0)
        #expect(ascii.row(0) == "a?b?c?")
    }

    @Test func wideCharactersTakeTwoColumnsAndAreNotSplit() {
        var screen = Screen(size: Size(rows: 2, columns: 5))
        #expect(screen.put("日本x", row: 0, column: 0) == 5)
        #expect(screen.cell(0, 1).isContinuation)
        #expect(screen.row(0) == "日本x")
        // Only one column left for a two-column character: it becomes a blank.
        #expect(screen.put("ab日", row: 1, column: 0, maxWidth: 3) == 3)
        #expect(screen.row(1) == "ab")
        // Overwriting the right half of a wide character blanks its left half.
        screen.put("z", row: 0, column: 1)
        #expect(screen.row(0) == " z本x")
    }

    @Test func boxesUseBoxDrawingOrASCII() {
        var unicode = Screen(size: Size(rows: 3, columns: 12))
        unicode.box(unicode.bounds, title: "Topics")
        #expect(unicode.text() == ["┌ Topics ──┐", "│          │", "└──────────┘"])
        var ascii = Screen(size: Size(rows: 3, columns: 12), glyphs: .ascii)
        ascii.box(ascii.bounds, title: "Topics")
        #expect(ascii.text() == ["+ Topics --+", "|          |", "+----------+"])
    }

    @Test func displayWidthFollowsWcwidth() {
        #expect(TextWidth.of("orders") == 6)
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.of("⚡") == 2)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("▁▂█") == 3)
    }

    @Test func wrapBreaksAtSpaces() {
        #expect(TextWidth.wrap("stop broker two now", width: 10) == ["stop", "broker two", "now"])
        #expect(TextWidth.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
    }
}

@Suite struct FormatTests {
    @Test func bytesUseBinaryUnits() {
        #expect(Format.bytes(0) == "0 B")
        #expect(Format.bytes(1023) == "1023 B")
        #expect(Format.bytes(1536) == "1.5 KiB")
        #expect(Format.bytes(120_000) == "117 KiB")
        #expect(Format.bytes(5 * 1024 * 1024 * 1024) == "5.0 GiB")
    }

    @Test func countsAreShort() {
        #expect(Format.count(999) == "999")
        #expect(Format.count(1_250) == "1.3k")
        #expect(Format.count(250_000) == "250k")
        #expect(Format.count(3_400_000) == "3.4M")
        #expect(Format.rate(12.4) == "12/s")
    }

    @Test func timestampsInTheGivenZone() {
        let utc = TimeZone(identifier: "UTC")!
        #expect(Format.timestamp(1_700_000_000_000, timeZone: utc) == "2023-11-14 22:13:20")
        #expect(Format.timestamp(0, timeZone: utc) == "1970-01-01 00:00:00")
        #expect(Format.timestamp(-1, timeZone: utc) == "-")
        #expect(Format.timestamp(1_700_000_000_000, timeZone: TimeZone(secondsFromGMT: 3600)!) == "2023-11-14 23:13:20")
    }
}

@Suite struct SparklineTests {
    @Test func scalesToThePeakWithBlocks() {
        #expect(Sparkline.render([0, 1, 2, 4, 8], width: 5, glyphs: .unicode) == "▁▂▃▅█")
        #expect(Sparkline.render([0, 0, 0], width: 3, glyphs: .unicode) == "▁▁▁")
    }

    @Test func keepsTheNewestSamplesRightAligned() {
        #expect(Sparkline.render([8, 8, 1], width: 2, glyphs: .unicode) == "█▂")
        #expect(Sparkline.render([5.0], width: 3, glyphs: .unicode) == "  █")
    }

    @Test func fallsBackToASCII() {
        #expect(Sparkline.render([0, 1, 2, 4, 8], width: 5, glyphs: .ascii) == "_.-=#")
    }
}

@Suite struct TableLayoutTests {
    let columns = [
        TableColumn("NAME", min: 6, max: 40, grows: true, priority: 100),
        TableColumn("SIZE", .right, min: 8, priority: 50),
        TableColumn("EXTRA", min: 10, priority: 10),
    ]
    let rows = [TableRow(id: "a", ["orders", "1.0 KiB", "x"])]

    @Test func everyColumnFitsWhenThereIsRoomAndNamesGrow() {
        let widths = TableLayout.widths(columns, rows: rows, available: 60)
        #expect(widths == [40, 8, 10])
    }

    @Test func leastImportantColumnsAreDroppedFirst() {
        #expect(TableLayout.widths(columns, rows: rows, available: 20) == [11, 8, nil])
        #expect(TableLayout.widths(columns, rows: rows, available: 10) == [10, nil, nil])
    }

    @Test func selectionFollowsItsRowAcrossRefreshes() {
        var list = ListState()
        list.select(index: 1, ids: ["a", "b", "c"])
        list.reconcile(ids: ["z", "a", "b", "c"])
        #expect(list.selectedIndex == 2)
        list.reconcile(ids: ["a"])
        #expect(list.selectedIndex == 0 && list.selectedID == "a")
    }

    @Test func scrollingKeepsTheSelectionVisible() {
        var list = ListState()
        let ids = (0..<50).map(String.init)
        list.select(index: 30, ids: ids)
        list.scrollIntoView(visibleRows: 10, count: 50)
        #expect(list.top == 21)
        list.select(index: 5, ids: ids)
        list.scrollIntoView(visibleRows: 10, count: 50)
        #expect(list.top == 5)
    }
}
