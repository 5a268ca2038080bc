package io.smtconsole.broker;

import java.security.Principal;
import org.apache.activemq.jaas.GroupPrincipal;
import org.apache.activemq.jaas.UserPrincipal;
import org.apache.activemq.security.SecurityContext;

/**
 * Who a connection is. For certificate logins SecurityContext.getUserName() is the certificate DN; the
 * allowlist name (r-0001, lab-console) is the JAAS UserPrincipal among getPrincipals().
 */
final class Identity {
    final String user;
    final String dn;
    final boolean console;

    private Identity(String user, String dn, boolean console) {
        this.user = user;
        this.dn = dn;
        this.console = console;
    }

    /** Null when the context carries no allowlist user (the authorization plugin refuses those anyway). */
    static Identity of(SecurityContext context, String consolesGroup) {
        if (context == null) {
            return null;
        }
        String user = null;
        boolean console = false;
        for (Principal p : context.getPrincipals()) {
            if (p instanceof UserPrincipal && user == null) {
                user = p.getName();
            } else if (p instanceof GroupPrincipal && consolesGroup.equals(p.getName())) {
                console = true;
            }
        }
        return user == null ? null : new Identity(user, context.getUserName(), console);
    }
}
