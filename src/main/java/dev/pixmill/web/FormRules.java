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

/**
 * Rules every multipart form obeys, whatever its endpoint, checked once Quarkus REST has read it.
 * The reader itself is lenient: without a boundary it reads no form at all, it keeps a part that
 * has no name (or gives it the previous part's name), it lets part headers grow up to the body
 * limit, and it decodes bad UTF-8 into U+FFFD; each of these is a 400 here instead.
 */
@ApplicationScoped // created on first use: Quarkus REST sets up filters before runtime configuration exists
public class FormRules {

    @Inject
    HttpConfig config;

    @ServerRequestFilter
    @WithFormRead
    public void check(ResteasyReactiveContainerRequestContext context) {
        MediaType type = context.getMediaType();
        if (type == null || !type.isCompatible(MediaType.MULTIPART_FORM_DATA_TYPE)) {
            return;
        }
        if (parameter(type, "boundary") == null) {
            throw new BadRequestException("invalid_multipart", "the Content-Type multipart/form-data needs a boundary parameter");
        }
        FormData form = ((ResteasyReactiveRequestContext) context.getServerRequestContext()).getFormData();
        if (form == null) {
            return;
        }
        for (String name : form) {
            if (name == null || name.isEmpty()) {
                throw new BadRequestException("invalid_multipart",
                        "every part needs a Content-Disposition: form-data header with a name");
            }
            for (FormValue value : form.get(name)) {
                checkHeaders(name, value.getHeaders());
                if (!value.isFileItem() && value.getValue() != null && value.getValue().indexOf('\uFFFD') >= 0) {
                    throw new BadRequestException("invalid_parameter", "the field '" + name + "' is not valid UTF-8");
                }
            }
        }
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
