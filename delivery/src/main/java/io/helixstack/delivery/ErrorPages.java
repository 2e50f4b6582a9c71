package io.helixstack.delivery;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;

/**
 * The pages the proxy answers with itself: HTML for browsers, one line of plain text for curl and friends. Every value shown
 * comes from the request, so it is escaped.
 */
final class ErrorPages {
    private ErrorPages() {}

    /** 404 for a host no app is deployed at. */
    static HttpResponse notFound(String host, String baseDomain, RequestHeaders request) {
        String shown = host == null || host.isBlank() ? "(no Host header)" : host;
        String text = "No application is deployed at " + shown + ". Apps live at <app>." + baseDomain + ".";
        String html = "<h1>No application is deployed at <code>" + escape(shown) + "</code></h1>\n"
                + "<p>Apps live at <code>&lt;app&gt;." + escape(baseDomain) + "</code>: check the app name in the address,"
                + " or deploy one with <code>helix deploy</code>.</p>";
        return page(HttpStatus.NOT_FOUND, "Not found", text, html, request);
    }

    /** 502 when the app's instance could not be reached or gave up mid-handshake. */
    static HttpResponse badGateway(String app, RequestHeaders request) {
        String text = "Bad gateway: the app " + app + " is not responding. It may be starting, restarting or crashed;"
                + " its logs say which.";
        String html = "<h1>Bad gateway</h1>\n<p>The app <code>" + escape(app) + "</code> is not responding. It may be"
                + " starting, restarting or crashed; its logs say which.</p>";
        return page(HttpStatus.BAD_GATEWAY, "Bad gateway", text, html, request);
    }

    /** 503 for a static site whose files are missing on this node. */
    static HttpResponse siteUnavailable(String app, RequestHeaders request) {
        String text = "The files of " + app + " are not available on this server.";
        String html = "<h1>Site unavailable</h1>\n<p>The files of <code>" + escape(app) + "</code> are not available on"
                + " this server.</p>";
        return page(HttpStatus.SERVICE_UNAVAILABLE, "Site unavailable", text, html, request);
    }

    private static HttpResponse page(HttpStatus status, String title, String text, String html, RequestHeaders request) {
        String accept = request.get(HttpHeaderNames.ACCEPT, "");
        boolean browser = accept.contains("text/html");
        ResponseHeaders headers = ResponseHeaders.builder(status)
                .contentType(browser ? MediaType.HTML_UTF_8 : MediaType.PLAIN_TEXT_UTF_8)
                // An error page cached by a browser would outlive the deployment that fixes it.
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .build();
        String body = browser
                ? "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + " · HelixStack</title>"
                        + "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;"
                        + "color:#222}code{background:#f2f2f2;padding:0 .2em}</style></head>\n<body>\n" + html
                        + "\n</body></html>\n"
                : text + "\n";
        return HttpResponse.of(headers, HttpData.ofUtf8(body));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
