package dev.pixmill.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveNamesTest {

    @Test
    void duplicatesAreNumberedCaseInsensitively() {
        assertThat(ArchiveNames.unique(List.of("photo.webp", "photo.webp", "PHOTO.webp", "photo (2).webp", "other.png")))
                .containsExactly("photo.webp", "photo (2).webp", "PHOTO (3).webp", "photo (2) (2).webp", "other.png");
    }

    @Test
    void noNameCanLeaveTheTargetDirectory() {
        List<String> names = ArchiveNames.unique(List.of("../../etc/passwd.png", "..\\..\\win.ini.jpg", "/abs/x.webp",
                "C:\\x\\y.gif", "..", ".hidden.png", "a\u0000b\nc.png", "con:tr?l*.jpg", " trailing. ", "\u202Egnp.exe"));
        assertThat(names).containsExactly("passwd.png", "win.ini.jpg", "x.webp", "y.gif", "image", "hidden.png",
                "a_b_c.png", "con_tr_l_.jpg", "trailing", "_gnp.exe");
        assertThat(names).allSatisfy(n -> assertThat(n).doesNotContain("/", "\\", "..").doesNotStartWith("."));
    }

    @Test
    void longNamesKeepTheirExtension() {
        String name = ArchiveNames.safe("x".repeat(400) + ".webp");
        assertThat(name).hasSize(ArchiveNames.MAX_LENGTH).endsWith(".webp");
        String emoji = ArchiveNames.safe("😀".repeat(200) + ".png");
        assertThat(emoji).endsWith(".png");
        assertThat(Character.isHighSurrogate(emoji.charAt(emoji.length() - 5))).isFalse();
    }
}
