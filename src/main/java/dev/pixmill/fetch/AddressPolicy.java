package dev.pixmill.fetch;

import dev.pixmill.error.BadRequestException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides which network addresses Pixmill may contact on a caller's behalf (URL fetch, webhooks).
 * Judged on resolved addresses, never on host names, so a name pointing inside cannot slip through.
 *
 * <p>Cloud metadata addresses are refused whatever the configuration: neither {@code allow-private}
 * nor an allow-list entry admits them, because no legitimate image lives there and they hand out
 * credentials. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged
 * by that IPv4 address.
 */
public final class AddressPolicy {

    /** Why an address is not public. */
    public enum Category {
        LOOPBACK, UNSPECIFIED, PRIVATE, LINK_LOCAL, CGNAT, MULTICAST, BROADCAST, RESERVED, BENCHMARK,
        DOCUMENTATION, METADATA
    }

    /** What {@code allow-private} lets through. */
    private static final Set<Category> PRIVATE_KINDS =
            EnumSet.of(Category.LOOPBACK, Category.PRIVATE, Category.LINK_LOCAL);

    private static final List<InetAddress> METADATA = List.of(
            literal("169.254.169.254"),   // AWS, GCP, Azure, OpenStack, Oracle
            literal("fd00:ec2::254"),     // AWS over IPv6
            literal("100.100.100.200"),   // Alibaba Cloud
            literal("168.63.129.16"));    // Azure wire server (a public address, internal in meaning)

    private final boolean allowPrivate;
    private final List<Cidr> allowedNets = new ArrayList<>();
    private final List<String> allowedHosts = new ArrayList<>();

    /**
     * @param allowPrivate admit loopback, private and link-local addresses
     * @param allowList    CIDRs, single IPs, host names or {@code *.suffix} patterns admitted anyway
     * @throws IllegalArgumentException on a malformed CIDR
     */
    public AddressPolicy(boolean allowPrivate, Collection<String> allowList) {
        this.allowPrivate = allowPrivate;
        for (String raw : allowList == null ? List.<String>of() : allowList) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Cidr cidr = Cidr.parse(entry);
            if (cidr != null) {
                allowedNets.add(cidr);
            } else {
                allowedHosts.add(normaliseHost(entry));
            }
        }
    }

    /** Public addresses only, no exceptions. */
    public static AddressPolicy strict() {
        return new AddressPolicy(false, List.of());
    }

    public static AddressPolicy of(FetchConfig config) {
        return new AddressPolicy(config.allowPrivate(), config.allowList().orElse(List.of()));
    }

    /** The non-public category of an address, or empty for an ordinary public unicast address. */
    public static Optional<Category> classify(InetAddress address) {
        if (isMetadata(address)) {
            return Optional.of(Category.METADATA);
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return classifyV4(toInt(b, 0));
        }
        return classifyV6(b);
    }

    /** May this address be contacted? */
    public boolean isAllowed(InetAddress address) {
        InetAddress judged = embeddedV4(address.getAddress()).map(AddressPolicy::v4).orElse(address);
        Optional<Category> category = classify(address);
        if (category.isPresent() && category.get() == Category.METADATA) {
            return false;
        }
        for (Cidr net : allowedNets) {
            if (net.contains(address) || net.contains(judged)) {
                return true;
            }
        }
        return category.isEmpty() || (allowPrivate && PRIVATE_KINDS.contains(category.get()));
    }

    /** Is this host name on the allow-list (exactly or by a {@code *.suffix} pattern)? */
    public boolean isHostAllowListed(String host) {
        String h = normaliseHost(host);
        for (String allowed : allowedHosts) {
            if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refuses unless every address the host resolved to may be contacted (one bad address is
     * enough: the client might pick it). An allow-listed host name skips the address rules, except
     * for metadata addresses.
     *
     * @throws BadRequestException {@code url_not_allowed}
     */
    public void check(String host, Collection<InetAddress> resolved) {
        boolean hostListed = host != null && isHostAllowListed(host);
        if (resolved.isEmpty()) {
            throw refused();
        }
        for (InetAddress address : resolved) {
            boolean ok = hostListed
                    ? classify(address).filter(c -> c == Category.METADATA).isEmpty()
                    : isAllowed(address);
            if (!ok) {
                throw refused();
            }
        }
    }

    static BadRequestException refused() {
        return new BadRequestException("url_not_allowed",
                "The URL points to a private, local or reserved network address; only public addresses may be fetched.");
    }

    // ---- classification ------------------------------------------------------------------------

    private static boolean isMetadata(InetAddress address) {
        byte[] b = address.getAddress();
        Optional<byte[]> v4 = embeddedV4(b);
        for (InetAddress m : METADATA) {
            if (Arrays.equals(m.getAddress(), b)
                    || v4.isPresent() && Arrays.equals(m.getAddress(), v4.get())) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Category> classifyV4(int a) {
        if (a == 0xFFFFFFFF) return Optional.of(Category.BROADCAST);
        if (in(a, 0x00000000, 8)) return Optional.of(Category.UNSPECIFIED);
        if (in(a, 0x0A000000, 8)) return Optional.of(Category.PRIVATE);
        if (in(a, 0x64400000, 10)) return Optional.of(Category.CGNAT);
        if (in(a, 0x7F000000, 8)) return Optional.of(Category.LOOPBACK);
        if (in(a, 0xA9FE0000, 16)) return Optional.of(Category.LINK_LOCAL);
        if (in(a, 0xAC100000, 12)) return Optional.of(Category.PRIVATE);
        if (in(a, 0xC0000000, 24)) return Optional.of(Category.RESERVED);      // IETF protocol assignments
        if (in(a, 0xC0000200, 24)) return Optional.of(Category.DOCUMENTATION);
        if (in(a, 0xC0586300, 24)) return Optional.of(Category.RESERVED);      // 6to4 relay anycast
        if (in(a, 0xC0A80000, 16)) return Optional.of(Category.PRIVATE);
        if (in(a, 0xC6120000, 15)) return Optional.of(Category.BENCHMARK);
        if (in(a, 0xC6336400, 24)) return Optional.of(Category.DOCUMENTATION);
        if (in(a, 0xCB007100, 24)) return Optional.of(Category.DOCUMENTATION);
        if (in(a, 0xE0000000, 4)) return Optional.of(Category.MULTICAST);
        if (in(a, 0xF0000000, 4)) return Optional.of(Category.RESERVED);
        return Optional.empty();
    }

    private static Optional<Category> classifyV6(byte[] b) {
        Optional<byte[]> v4 = embeddedV4(b);
        if (v4.isPresent()) {
            return classifyV4(toInt(v4.get(), 0));
        }
        if (allZero(b, 0, 16)) return Optional.of(Category.UNSPECIFIED);
        if (allZero(b, 0, 15) && b[15] == 1) return Optional.of(Category.LOOPBACK);
        int first16 = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int second16 = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if ((b[0] & 0xFF) == 0xFF) return Optional.of(Category.MULTICAST);                // ff00::/8
        if ((first16 & 0xFFC0) == 0xFE80) return Optional.of(Category.LINK_LOCAL);        // fe80::/10
        if ((first16 & 0xFFC0) == 0xFEC0) return Optional.of(Category.PRIVATE);           // fec0::/10 site-local
        if ((b[0] & 0xFE) == 0xFC) return Optional.of(Category.PRIVATE);                  // fc00::/7
        if (first16 == 0x0064 && second16 == 0xFF9B && b[4] == 0 && b[5] == 1) {
            return Optional.of(Category.PRIVATE);                                         // 64:ff9b:1::/48 local NAT64
        }
        if (first16 == 0x2001 && second16 == 0x0DB8) return Optional.of(Category.DOCUMENTATION);
        if (first16 == 0x3FFF && (second16 & 0xF000) == 0) {
            return Optional.of(Category.DOCUMENTATION);                                   // 3fff::/20
        }
        if (first16 == 0x2001 && (second16 & 0xFE00) == 0) return Optional.of(Category.RESERVED); // 2001::/23
        if ((b[0] & 0xE0) != 0x20) return Optional.of(Category.RESERVED);                 // outside 2000::/3
        return Optional.empty();
    }

    /**
     * The IPv4 address inside an IPv6 one: mapped {@code ::ffff:a.b.c.d}, compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} or 6to4 {@code 2002:AABB:CCDD::}.
     */
    static Optional<byte[]> embeddedV4(byte[] b) {
        if (b.length != 16) {
            return Optional.empty();
        }
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        // :: and ::1 are themselves, not 0.0.0.0 / 0.0.0.1
        boolean compatible = allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] & 0xFF) <= 1);
        boolean nat64 = b[0] == 0 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
                && allZero(b, 4, 12);
        if (mapped || compatible || nat64) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
            return Optional.of(Arrays.copyOfRange(b, 2, 6));
        }
        return Optional.empty();
    }

    private static boolean in(int address, int network, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (address & mask) == (network & mask);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) return false;
        }
        return true;
    }

    private static int toInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static InetAddress v4(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress literal(String ip) {
        return InetAddress.ofLiteral(ip);
    }

    static String normaliseHost(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** A network written as a CIDR or a single IP literal. */
    private record Cidr(byte[] network, int prefix) {

        /** Null when the entry is not an IP literal or CIDR (then it is a host name). */
        static Cidr parse(String entry) {
            int slash = entry.indexOf('/');
            String ip = normaliseHost(slash < 0 ? entry : entry.substring(0, slash));
            InetAddress address;
            try {
                address = InetAddress.ofLiteral(ip);   // never a DNS lookup
            } catch (IllegalArgumentException notLiteral) {
                if (slash >= 0) {
                    throw new IllegalArgumentException("Invalid CIDR in pixmill.fetch.allow-list: " + entry);
                }
                return null;
            }
            byte[] bytes = address.getAddress();
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid CIDR in pixmill.fetch.allow-list: " + entry);
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("Invalid CIDR in pixmill.fetch.allow-list: " + entry);
                }
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] b = address.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) return false;
            }
            int rest = prefix % 8;
            if (rest == 0) return true;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }
    }

    /** For logs only: the public message never names the category. */
    @Override
    public String toString() {
        return "AddressPolicy[allowPrivate=" + allowPrivate + ", nets=" + allowedNets.size()
                + ", hosts=" + allowedHosts + "]";
    }
}
