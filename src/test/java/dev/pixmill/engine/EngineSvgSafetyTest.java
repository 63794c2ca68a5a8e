package dev.pixmill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pixmill.error.InvalidImageException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineSvgSafetyTest {

    @TempDir
    Path dir;

    @Test
    void externalReferencesAreRemovedAndNothingIsFetched() throws Exception {
        ImageEngine engine = new ImageEngine();
        byte[] localPng = Fixtures.png(Fixtures.base(32, 32));
        Path secret = dir.resolve("secret.png");
        Files.write(secret, localPng);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            String svg = """
                    <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
                         width="64" height="32">
                      <style>@import url(http://127.0.0.1:%1$d/evil.css); rect { fill: url('http://127.0.0.1:%1$d/p'); }</style>
                      <rect width="64" height="32" fill="#00ff00"/>
                      <image x="0" y="0" width="16" height="16" href="http://127.0.0.1:%1$d/a.png"/>
                      <image x="16" y="0" width="16" height="16" xlink:href='file://%2$s'/>
                      <image x="32" y="0" width="16" height="16" xlink:href="secret.png"/>
                      <use xlink:href="#keep"/>
                      <image id="keep" width="4" height="4" href="data:image/png;base64,AAAA"/>
                    </svg>
                    """.formatted(server.getLocalPort(), secret);
            byte[] clean = SvgSanitizer.sanitize(svg.getBytes(StandardCharsets.UTF_8));
            String s = new String(clean, StandardCharsets.UTF_8);
            assertThat(s).doesNotContain("http://127.0.0.1").doesNotContain("file:").doesNotContain("secret.png")
                    .doesNotContain("@import").contains("href=\"#keep\"").contains("data:image/png");

            EngineResult r = engine.convert(svg.getBytes(StandardCharsets.UTF_8),
                    Fixtures.spec(ImageFormat.PNG, null, null));
            assertThat(r.width()).isEqualTo(64);
            assertThat(r.height()).isEqualTo(32);
            // the green background rendered; the file: image was not drawn
            int p = Fixtures.read(r.bytes()).getRGB(20, 8);
            assertThat((p >> 8) & 0xFF).isGreaterThan(200);
            assertThat((p >> 16) & 0xFF).isLessThan(60);
            // and no connection reached the loopback server
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void entitiesAreRefused() throws IOException {
        ImageEngine engine = new ImageEngine();
        String xxe = """
                <?xml version="1.0"?>
                <!DOCTYPE svg [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
                <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>
                """;
        assertThatThrownBy(() -> engine.convert(xxe.getBytes(StandardCharsets.UTF_8),
                Fixtures.spec(ImageFormat.PNG, null, null))).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("entity");
    }

    @Test
    void foreignEncodingsAreRefusedBeforeLibrsvg() {
        ImageEngine engine = new ImageEngine();
        String utf7 = "<?xml version=\"1.0\" encoding=\"UTF-7\"?><svg xmlns=\"http://www.w3.org/2000/svg\" "
                + "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\" height=\"10\">"
                + "+ADw-image xlink:href+AD0AIg-file:///etc/passwd+ACI-/+AD4-</svg>";
        assertThatThrownBy(() -> engine.convert(utf7.getBytes(StandardCharsets.UTF_8),
                Fixtures.spec(ImageFormat.PNG, null, null))).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("UTF-7");
    }

    @Test
    void sniffsSvgAfterPrologue() {
        String s = "\uFEFF  <?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                + "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg width=\"4\" height=\"4\"/>";
        assertThat(FormatSniffer.sniff(s.getBytes(StandardCharsets.UTF_8))).contains(ImageFormat.SVG);
        assertThat(FormatSniffer.sniff("<svgx/>".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    /** Found in review: cutting "@import;" out of "u@import;rl(...)" used to leave a working url(). */
    @Test
    void aNestedSvgCannotBeSmuggledThroughCss() {
        String nested = java.util.Base64.getEncoder().encodeToString("""
                <svg xmlns="http://www.w3.org/2000/svg"><linearGradient id="g">
                <stop offset="0" stop-color="#ff0000"/><stop offset="1" stop-color="#ff0000"/></linearGradient></svg>
                """.getBytes(StandardCharsets.UTF_8));
        String svg = """
                <svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">
                  <rect width="8" height="8" fill="u@import;rl(data:image/svg+xml;base64,%s#g) green"/>
                </svg>
                """.formatted(nested);
        EngineResult r = new ImageEngine().convert(svg.getBytes(StandardCharsets.UTF_8),
                Fixtures.spec(ImageFormat.PNG, null, null));
        int pixel = Fixtures.read(r.bytes()).getRGB(4, 4);
        assertThat((pixel >> 16) & 0xff).as("red from the smuggled gradient").isLessThan(100);
    }
}
