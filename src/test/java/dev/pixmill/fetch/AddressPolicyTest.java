package dev.pixmill.fetch;

import dev.pixmill.error.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses are only judged here, never contacted; all are literals, so no DNS either. */
class AddressPolicyTest {

    private static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
            "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
            "10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
            "192.168.0.1, PRIVATE", "192.168.255.255, PRIVATE", "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE",
            "fec0::1, PRIVATE", "64:ff9b:1::a00:1, PRIVATE",
            "169.254.0.1, LINK_LOCAL", "169.254.255.255, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
            "100.64.0.1, CGNAT", "100.127.255.255, CGNAT",
            "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST", "ff0e::1, MULTICAST",
            "255.255.255.255, BROADCAST",
            "240.0.0.1, RESERVED", "254.1.2.3, RESERVED", "192.0.0.8, RESERVED", "100::1, RESERVED",
            "2001::1, RESERVED", "2001:1ff::1, RESERVED", "4000::1, RESERVED",
            "198.18.0.1, BENCHMARK", "198.19.255.255, BENCHMARK",
            "192.0.2.1, DOCUMENTATION", "198.51.100.1, DOCUMENTATION", "203.0.113.1, DOCUMENTATION",
            "2001:db8::1, DOCUMENTATION", "3fff::1, DOCUMENTATION",
            "169.254.169.254, METADATA", "fd00:ec2::254, METADATA", "100.100.100.200, METADATA",
            "168.63.129.16, METADATA",
            // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:10.1.2.3, PRIVATE", "::ffff:169.254.169.254, METADATA",
            "::10.0.0.1, PRIVATE", "::127.0.0.1, LOOPBACK", "::0.0.0.2, UNSPECIFIED",
            "64:ff9b::10.0.0.1, PRIVATE", "64:ff9b::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, METADATA",
            "64:ff9b::c0a8:101, PRIVATE",
            "2002:0a00:0001::1, PRIVATE", "2002:7f00:1::, LOOPBACK", "2002:a9fe:a9fe::1, METADATA",
            "2002:6440:1::, CGNAT",
    })
    void refusesNonPublicAddresses(String literal, AddressPolicy.Category expected) {
        InetAddress address = ip(literal);
        assertThat(AddressPolicy.classify(address)).contains(expected);
        assertThat(AddressPolicy.strict().isAllowed(address)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:192.168.1.1", "::ffff:0.0.0.0"})
    void mappedFormKeptAsIpv6IsJudgedByItsIpv4(String literal) throws Exception {
        // InetAddress.ofLiteral folds mapped addresses into Inet4Address; build a real Inet6Address too.
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        System.arraycopy(ip(literal).getAddress(), 0, b, 12, 4);
        Inet6Address v6 = Inet6Address.getByAddress(null, b, -1);
        assertThat(AddressPolicy.strict().isAllowed(v6)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.167.255.255", "198.17.255.255", "198.20.0.1", "223.255.255.255",
            "169.253.255.255", "11.0.0.1",
            "2606:4700::1", "2001:4860:4860::8888", "2a00:1450::1", "2001:200::1",
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"})
    void allowsPublicAddresses(String literal) {
        InetAddress address = ip(literal);
        assertThat(AddressPolicy.classify(address)).isEmpty();
        assertThat(AddressPolicy.strict().isAllowed(address)).isTrue();
    }

    @Test
    void allowPrivateAdmitsLoopbackPrivateAndLinkLocalButNotMetadata() {
        AddressPolicy open = new AddressPolicy(true, List.of());
        for (String ok : List.of("127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "fd12::1", "169.254.1.1",
                "fe80::1", "::ffff:127.0.0.1")) {
            assertThat(open.isAllowed(ip(ok))).as(ok).isTrue();
        }
        for (String no : List.of("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254",
                "0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "240.0.0.1", "100.64.0.1")) {
            assertThat(open.isAllowed(ip(no))).as(no).isFalse();
        }
    }

    @Test
    void allowListAdmitsCidrsAndHostsButNeverMetadata() {
        AddressPolicy policy = new AddressPolicy(false,
                List.of("10.1.0.0/16", "127.0.0.1", "fd12::/16", " images.intranet ", "*.corp.example",
                        "169.254.0.0/16"));
        assertThat(policy.isAllowed(ip("10.1.200.3"))).isTrue();
        assertThat(policy.isAllowed(ip("10.2.0.1"))).isFalse();
        assertThat(policy.isAllowed(ip("127.0.0.1"))).isTrue();
        assertThat(policy.isAllowed(ip("127.0.0.2"))).isFalse();
        assertThat(policy.isAllowed(ip("::1"))).isFalse();
        assertThat(policy.isAllowed(ip("fd12:1::1"))).isTrue();
        assertThat(policy.isAllowed(ip("169.254.1.1"))).isTrue();
        assertThat(policy.isAllowed(ip("169.254.169.254"))).isFalse();

        assertThat(policy.isHostAllowListed("IMAGES.intranet.")).isTrue();
        assertThat(policy.isHostAllowListed("cdn.corp.example")).isTrue();
        assertThat(policy.isHostAllowListed("corp.example.evil")).isFalse();
        assertThat(policy.isHostAllowListed("evilcorp.example")).isFalse();
        policy.check("images.intranet", List.of(ip("10.9.9.9")));
        assertThatThrownBy(() -> policy.check("images.intranet", List.of(ip("169.254.169.254"))))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void checkRefusesWhenAnyResolvedAddressIsRefused() {
        AddressPolicy policy = AddressPolicy.strict();
        policy.check("example.test", List.of(ip("8.8.8.8"), ip("2606:4700::1")));
        assertThatThrownBy(() -> policy.check("example.test", List.of(ip("8.8.8.8"), ip("10.0.0.1"))))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.code()).isEqualTo("url_not_allowed");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain("10.0.0.1");
                });
        assertThatThrownBy(() -> policy.check("example.test", List.of())).isInstanceOf(BadRequestException.class);
    }

    @Test
    void malformedCidrIsAConfigurationError() {
        assertThatThrownBy(() -> new AddressPolicy(false, List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AddressPolicy(false, List.of("intranet/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
