package dev.pixmill.jobs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Client file names are stored bounded, without client paths, never cut inside a character. */
class BoundedFilenameTest {

    @Test
    void keepsTheLastSegmentAndTheExtension() {
        assertThat(ConversionService.boundedFilename("C:\\Users\\ann\\photo.png")).isEqualTo("photo.png");
        assertThat(ConversionService.boundedFilename("/home/ann/photo.png")).isEqualTo("photo.png");
        assertThat(ConversionService.boundedFilename(null)).isNull();
        String longName = ConversionService.boundedFilename("d/" + "x".repeat(500) + ".jpeg");
        assertThat(longName).hasSize(ConversionService.MAX_FILENAME).endsWith("x.jpeg");
    }

    @Test
    void neverSplitsASurrogatePair() {
        // 196 ASCII chars, then emoji (2 chars each): a cut at 196 would fall inside one
        String name = "a".repeat(195) + "\uD83D\uDE00".repeat(10) + ".png";
        String bounded = ConversionService.boundedFilename(name);
        assertThat(bounded).endsWith(".png");
        String stem = bounded.substring(0, bounded.length() - 4);
        assertThat(Character.isHighSurrogate(stem.charAt(stem.length() - 1))).isFalse();
        assertThat(stem.codePoints().allMatch(Character::isValidCodePoint)).isTrue();
    }
}
