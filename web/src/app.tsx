/** The shell: navigation, the signed-in user, and one route per screen. */
import { lazy, Suspense, useEffect } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { useSession } from "./api/session";
import { Loading } from "./components/ui";
import { DashboardScreen } from "./screens/dashboard/DashboardScreen";
import { SignInScreen } from "./screens/sign-in/SignInScreen";
import { WorklistScreen } from "./screens/worklist/WorklistScreen";

// The screens a CFO or collector does not open first are loaded when first visited.
const CustomersScreen = lazy(() => import("./screens/customers/CustomersScreen"));
const CustomerScreen = lazy(() => import("./screens/customers/CustomerScreen"));
const InvoicesScreen = lazy(() => import("./screens/invoices/InvoicesScreen"));
const OutboxScreen = lazy(() => import("./screens/outbox/OutboxScreen"));
const PoliciesScreen = lazy(() => import("./screens/policies/PoliciesScreen"));
const TemplatesScreen = lazy(() => import("./screens/templates/TemplatesScreen"));
const SettingsScreen = lazy(() => import("./screens/settings/SettingsScreen"));

const NAVIGATION = [
  { href: "/", label: "Dashboard", icon: "M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z" },
  { href: "/worklist", label: "Worklist", icon: "M9 6h11M9 12h11M9 18h11M4 6h.01M4 12h.01M4 18h.01" },
  {
    href: "/customers",
    label: "Customers",
    icon: "M16 19a4 4 0 0 0-8 0M12 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM21 19a3 3 0 0 0-4-2.8M3 19a3 3 0 0 1 4-2.8",
  },
  { href: "/invoices", label: "Invoices", icon: "M7 3h10v18l-2.5-1.5L12 21l-2.5-1.5L7 21zM10 8h4M10 12h4" },
  { href: "/outbox", label: "Outbox", icon: "M4 6h16v12H4zM4 7l8 6 8-6" },
  { href: "/policies", label: "Policies", icon: "M6 4h12M6 10h12M6 16h7M17 15l2 2 3-4" },
  { href: "/templates", label: "Templates", icon: "M5 4h14v16H5zM8 8h8M8 12h8M8 16h5" },
  {
    href: "/settings",
    label: "Settings",
    icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.4-1.4.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6.3 7.3 4.3 7l-1 3 2 1v2l-2 1 1 3 2-.3 1.4 1.4-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.4-1.4 2 .3 1-3-2-1z",
  },
];

function isActive(location: string, href: string): boolean {
  return href === "/" ? location === "/" : location === href || location.startsWith(`${href}/`);
}

function NavIcon({ path }: { path: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={path} />
    </svg>
  );
}

function Sidebar() {
  const [location] = useLocation();
  const { state, signOut } = useSession();
  return (
    <nav className="sidebar" aria-label="Main">
      <Link href="/" className="brand" aria-label="Recoup, dashboard">
        <span className="brand-mark" aria-hidden="true">
          R
        </span>
        <span className="brand-name">Recoup</span>
      </Link>
      <ul>
        {NAVIGATION.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              className={isActive(location, item.href) ? "nav-link active" : "nav-link"}
              aria-current={isActive(location, item.href) ? "page" : undefined}
              title={item.label}
            >
              <NavIcon path={item.icon} />
              <span>{item.label}</span>
            </Link>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        {state.status === "signed-in" ? (
          <>
            <div className="user" title={state.user.email}>
              <span className="user-name">{state.user.name}</span>
              <span className="user-role">{state.user.role.replace("_", " ")}</span>
            </div>
            <button type="button" className="button ghost small" onClick={() => void signOut()}>
              Sign out
            </button>
          </>
        ) : (
          <span className="user-role">Open API: no sign-in</span>
        )}
      </div>
    </nav>
  );
}

/** Moves focus to the page's heading on navigation, so keyboard and screen-reader users land on the new page. */
function useFocusOnNavigate() {
  const [location] = useLocation();
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>("main h1");
    heading?.setAttribute("tabindex", "-1");
    heading?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location]);
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the dashboard</Link>
      </p>
    </div>
  );
}

export function App() {
  const { state } = useSession();
  useFocusOnNavigate();
  if (state.status === "loading") return <Loading label="Starting Recoup…" />;
  if (state.status === "signed-out") return <SignInScreen reason={state.reason} />;
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <main id="main" className="main">
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/" component={DashboardScreen} />
            <Route path="/worklist" component={WorklistScreen} />
            <Route path="/customers" component={CustomersScreen} />
            <Route path="/customers/:ref">
              {(params) => <CustomerScreen customerRef={decodeURIComponent(params.ref)} />}
            </Route>
            <Route path="/invoices" component={InvoicesScreen} />
            <Route path="/outbox" component={OutboxScreen} />
            <Route path="/policies" component={PoliciesScreen} />
            <Route path="/templates" component={TemplatesScreen} />
            <Route path="/settings" component={SettingsScreen} />
            <Route component={NotFound} />
          </Switch>
        </Suspense>
      </main>
    </div>
  );
}
