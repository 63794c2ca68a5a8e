package dev.pixmill.web;

import dev.pixmill.error.BadRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.multipart.FormData;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules the parameters of every endpoint obey, checked once Quarkus REST has read the form.
 * <p>
 * One value per parameter: a query parameter or form field (multipart or URL-encoded) given twice is a 400
 * {@code duplicate_parameter} naming it, rather than one of the values silently winning (JSON
 * bodies get the same rule from {@link StrictJson}). The one repeated field is the batch's
 * {@code files}.
 * <p>
 * Well-formed multipart: Quarkus REST's reader is lenient. Without a boundary it reads no form at
 * all, it keeps a part that has no name (or gives it the previous part's name), it lets part
 * headers grow up to the body limit, and it decodes bad UTF-8 into U+FFFD; each is a 400 here.
 */
@ApplicationScoped // created on first use: Quarkus REST sets up filters before runtime configuration exists
public class ParameterRules {

    static final Set<String> REPEATED = Set.of("files");

    @Inject
    HttpConfig config;

    @ServerRequestFilter
    @WithFormRead
    public void check(ResteasyReactiveContainerRequestContext context) {
        context.getUriInfo().getQueryParameters().forEach((name, values) -> once(name, values.size()));
        MediaType type = context.getMediaType();
        boolean multipart = type != null && type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE);
        boolean urlEncoded = type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        if (!multipart && !urlEncoded) {
            return;
        }
        if (multipart && parameter(type, "boundary") == null) {
            throw new BadRequestException("invalid_multipart", "the Content-Type multipart/form-data needs a boundary parameter");
        }
        FormData form = ((ResteasyReactiveRequestContext) context.getServerRequestContext()).getFormData();
        if (form == null) {
            return;
        }
        for (String name : form) {
            if (multipart && (name == null || name.isEmpty())) {
                throw new BadRequestException("invalid_multipart",
                        "every part needs a Content-Disposition: form-data header with a name");
            }
            once(name, form.get(name).size());
            for (FormValue value : form.get(name)) {
                if (multipart) {
                    checkHeaders(name, value.getHeaders());
                }
                if (!value.isFileItem() && value.getValue() != null && value.getValue().indexOf('\uFFFD') >= 0) {
                    throw new BadRequestException("invalid_parameter", "the field '" + name + "' is not valid UTF-8");
                }
            }
        }
    }

    private static void once(String name, int count) {
        if (count > 1 && !REPEATED.contains(name)) {
            throw duplicate(name);
        }
    }

    static BadRequestException duplicate(String name) {
        return new BadRequestException("duplicate_parameter",
                "the parameter '" + name + "' is given more than once; it takes one value");
    }

    private void checkHeaders(String name, MultivaluedMap<String, String> headers) {
        long size = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                size += header.getKey().length() + value.length() + 4; // "name: value\r\n"
            }
        }
        long max = config.maxPartHeaderSize().asLongValue();
        if (size > max) {
            throw new BadRequestException("invalid_multipart", "the headers of the part '" + name
                    + "' are longer than " + max / 1024 + " KB (a file name that long is refused too)");
        }
    }

    private static String parameter(MediaType type, String name) {
        return type.getParameters().entrySet().stream().filter(p -> p.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
