package dev.pixmill.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dialect's small rules, without a server. */
class GenerationPartsTest {

    @Test
    void eachSizeAsksTheEndpointForTheSizeNearestInAspect() {
        List<ImageSize> dalle3 = List.of(new ImageSize(1024, 1024), new ImageSize(1792, 1024), new ImageSize(1024, 1792));
        assertThat(new ImageSize(1024, 1024).nearestIn(dalle3)).isEqualTo(new ImageSize(1024, 1024));
        assertThat(new ImageSize(1152, 896).nearestIn(dalle3)).isEqualTo(new ImageSize(1024, 1024));
        assertThat(new ImageSize(1344, 768).nearestIn(dalle3)).isEqualTo(new ImageSize(1792, 1024));
        assertThat(new ImageSize(1536, 640).nearestIn(dalle3)).isEqualTo(new ImageSize(1792, 1024));
        assertThat(new ImageSize(640, 1536).nearestIn(dalle3)).isEqualTo(new ImageSize(1024, 1792));
        assertThat(new ImageSize(896, 1152).nearestIn(dalle3)).isEqualTo(new ImageSize(1024, 1024));
        // as near in aspect: the one with more pixels
        assertThat(new ImageSize(1024, 1024).nearestIn(List.of(new ImageSize(256, 256), new ImageSize(512, 512))))
                .isEqualTo(new ImageSize(512, 512));
        assertThat(ImageSize.offered("1024X1024")).contains(new ImageSize(1024, 1024));
        assertThat(ImageSize.offered("1000x1000")).isEmpty();
        assertThat(ImageSize.parse("x1024")).isEmpty();
    }

    @Test
    void theEndpointIsUnderV1WhetherTheBaseNamesItOrNot() {
        assertThat(OpenAiImagesProvider.endpoint("https://api.openai.com").toString())
                .isEqualTo("https://api.openai.com/v1/images/generations");
        assertThat(OpenAiImagesProvider.endpoint("https://api.openai.com/v1/").toString())
                .isEqualTo("https://api.openai.com/v1/images/generations");
        assertThat(OpenAiImagesProvider.endpoint("http://10.0.0.5:8080/openai").toString())
                .isEqualTo("http://10.0.0.5:8080/openai/v1/images/generations");
    }

    @Test
    void anAnswersImageIsDecodedStraightOutOfItsJson() throws Exception {
        byte[] picture = new byte[3000];
        for (int i = 0; i < picture.length; i++) {
            picture[i] = (byte) (i * 31);
        }
        String b64 = Base64.getEncoder().encodeToString(picture);
        // escaped slashes (as some servers write JSON) and other members before and after
        String body = "{\"created\": 1, \"extra\": {\"a\": [1, 2]}, \"data\": [{\"revised_prompt\": \"x\", \"b64_json\": \""
                + b64.replace("/", "\\/") + "\"}, {\"b64_json\": \"AAAA\"}], \"usage\": null}";
        var answer = OpenAiImagesProvider.Answer.read(new ObjectMapper(),
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.image()).isEqualTo(picture);
        assertThat(answer.url()).isNull();
        var url = OpenAiImagesProvider.Answer.read(new ObjectMapper(), new ByteArrayInputStream(
                "{\"data\": [{\"url\": \"https://files.example/x.png?sig=1\"}]}".getBytes(StandardCharsets.UTF_8)));
        assertThat(url.url()).isEqualTo("https://files.example/x.png?sig=1");
        assertThat(url.image()).isNull();
    }

    @Test
    void altTextsAreOneSentenceFromThePrompt() {
        assertThat(AltText.of(Style.WATERCOLOR, "A cat on a sofa. It sleeps!")).isEqualTo("Watercolor painting of a cat on a sofa.");
        assertThat(AltText.of(Style.PHOTO, "Paris at night\n\nwith lights")).isEqualTo("Photo of Paris at night with lights.");
        assertThat(AltText.of(Style.NONE, "two dogs")).isEqualTo("Image of two dogs.");
        assertThat(AltText.placeholder(Style.THREE_D, "a robot")).isEqualTo(
                "Placeholder image in the 3d style (no image generator is configured) for: a robot.");
        assertThat(AltText.placeholder(Style.NONE, "a robot")).isEqualTo(
                "Placeholder image (no image generator is configured) for: a robot.");
        String quoted = AltText.firstSentence("word ".repeat(100));
        assertThat(quoted).endsWith("…");
        assertThat(quoted.length()).isLessThanOrEqualTo(AltText.MAX_QUOTED + 1);
    }

    @Test
    void theStyleIsFoldedIntoTheRemotePrompt() {
        assertThat(Style.ANIME.foldInto("a girl with an umbrella")).isEqualTo(
                "a girl with an umbrella. Style: anime style, cel shading, vibrant colours.");
        assertThat(Style.PHOTO.foldInto("A dog!")).startsWith("A dog! Style: ");
        assertThat(Style.NONE.foldInto("a dog")).isEqualTo("a dog");
    }

    @Test
    void thePlaceholderIsTheSameForTheSameRequestAndOtherwiseNot() {
        byte[] a = PlaceholderRenderer.render("a harbour", Style.FANTASY, 640, 1536, 0, 90);
        assertThat(PlaceholderRenderer.render("a harbour", Style.FANTASY, 640, 1536, 0, 90)).isEqualTo(a);
        assertThat(PlaceholderRenderer.render("a harbour", Style.FANTASY, 640, 1536, 1, 90)).isNotEqualTo(a);
        assertThat(PlaceholderRenderer.render("a harbor", Style.FANTASY, 640, 1536, 0, 90)).isNotEqualTo(a);
        assertThat(PixelFont.drawable("Crème brûlée\tsous   la 🌙")).isEqualTo("CREME BRULEE SOUS LA ?");
    }
}
