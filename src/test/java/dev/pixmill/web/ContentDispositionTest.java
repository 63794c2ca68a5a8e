package dev.pixmill.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Client-given names, as they come out in the download header. */
class ContentDispositionTest {

    static Stream<Arguments> names() {
        return Stream.of(
                arguments("photo.webp", "attachment; filename=\"photo.webp\""),
                arguments("a\tb\u00a0c.webp", "attachment; filename=\"a b c.webp\""),
                arguments("x\r\ny\u2028z.webp", "attachment; filename=\"x y z.webp\""),
                arguments("say \"hi\" \\ bye.webp", "attachment; filename=\"say _hi_ _ bye.webp\""),
                arguments("a;b=c/d:e.webp", "attachment; filename=\"a_b=c_d_e.webp\""),
                arguments("a\u0000\u0007\u001b\u007f\u0085\u009fb.webp", "attachment; filename=\"ab.webp\""),
                arguments("invoice\u202Egnp.exe", "attachment; filename=\"invoicegnp.exe\""),
                arguments("a\u200b\u200d\ufeffb\u2066.webp", "attachment; filename=\"ab.webp\""),
                arguments("\u0001\u0002\u202e.webp", "attachment; filename=\"image.webp\""),
                arguments("\t\r\n", "attachment; filename=\"image\""),
                arguments("...webp", "attachment; filename=\"image.webp\""),
                arguments("café.webp", "attachment; filename=\"cafe.webp\"; filename*=UTF-8''caf%C3%A9.webp"),
                arguments("фото.webp", "attachment; filename=\"_.webp\"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE.webp"),
                arguments("写真 1.webp", "attachment; filename=\"_ 1.webp\"; filename*=UTF-8''%E5%86%99%E7%9C%9F%201.webp"),
                arguments("100%.webp", "attachment; filename=\"100_.webp\"; filename*=UTF-8''100%25.webp"),
                arguments("a*b'c(d).webp", "attachment; filename=\"a_b'c(d).webp\""));
    }

    @ParameterizedTest
    @MethodSource("names")
    void namesAreCleanedAndEncoded(String name, String header) {
        assertThat(ContentDisposition.attachment(name)).isEqualTo(header);
        assertThat(header.chars()).allMatch(c -> c >= 0x20 && c < 0x7F);
    }
}
