//! TLS against a real cluster with `ssl = on` and certificates from a test CA made here (rcgen),
//! plus keys converted with the `openssl` CLI for the PKCS#1 / SEC1 key formats.
//!
//! The server certificate names only `localhost`: verify-full to `localhost` succeeds and to
//! `127.0.0.1` fails, verify-ca to `127.0.0.1` succeeds. `pg_hba.conf` has a role that may only
//! come in over TLS (for `allow`) and one that logs in by client certificate (`cert`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use towow_db::admin::local::InitOptions;
use towow_db::connect::{ConnConfig, SslMode};

use crate::common::*;

const PW: &str = "tls-Pa55word";

pub struct TlsServer {
    /// The superuser over TCP on 127.0.0.1 (plain), for set-up.
    pub admin: ConnConfig,
    pub port: u16,
    pub certs: PathBuf,
}

/// Write `contents` with `mode`, owned by the server's user when `for_server`.
fn write_file(path: &Path, contents: &str, mode: u32, for_server: bool) {
    std::fs::write(path, contents).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    if for_server && let Some((uid, gid)) = unprivileged_owner() {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    }
}

fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, name);
    p.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    CertifiedIssuer::self_signed(p, KeyPair::generate().unwrap()).unwrap()
}

/// A leaf certificate signed by `issuer`: (certificate PEM, PKCS#8 key PEM).
fn leaf(
    issuer: &CertifiedIssuer<'static, KeyPair>,
    sans: &[&str],
    cn: &str,
    eku: ExtendedKeyUsagePurpose,
) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.extended_key_usages = vec![eku];
    let cert = p.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

pub fn tls_server() -> &'static TlsServer {
    static S: OnceLock<TlsServer> = OnceLock::new();
    S.get_or_init(|| {
        let certs = temp_dir("tlscerts");
        std::fs::set_permissions(&certs, std::fs::Permissions::from_mode(0o755)).unwrap();
        let ca = ca("towow-db test CA");
        write_file(&certs.join("ca.crt"), &ca.pem(), 0o644, true);
        write_file(&certs.join("ca.key"), &ca.key().serialize_pem(), 0o600, false);
        let (crt, key) = leaf(&ca, &["localhost"], "localhost", ExtendedKeyUsagePurpose::ServerAuth);
        write_file(&certs.join("server.crt"), &crt, 0o644, true);
        write_file(&certs.join("server.key"), &key, 0o600, true);
        let (crt, key) = leaf(&ca, &[], "towow_cert", ExtendedKeyUsagePurpose::ClientAuth);
        write_file(&certs.join("client.crt"), &crt, 0o644, false);
        write_file(&certs.join("client.key"), &key, 0o600, false);
        // A second, unrelated CA: its root must not verify our server.
        write_file(&certs.join("other-ca.crt"), &ca_pem_only("some other CA"), 0o644, false);
        let hba = "\
local     all all                              scram-sha-256
hostssl   all towow_cert    127.0.0.1/32       cert
hostnossl all towow_tlsonly 127.0.0.1/32       reject
host      all all           127.0.0.1/32       scram-sha-256
host      all all           ::1/128            scram-sha-256
";
        write_file(&certs.join("pg_hba.conf"), hba, 0o644, true);
        let c = |f: &str| certs.join(f).display().to_string();
        let (_cluster, mut admin) = start_cluster(
            "tls",
            InitOptions {
                unsafe_fast: true,
                extra_conf: vec![
                    "ssl = on".into(),
                    format!("ssl_cert_file = '{}'", c("server.crt")),
                    format!("ssl_key_file = '{}'", c("server.key")),
                    format!("ssl_ca_file = '{}'", c("ca.crt")),
                    format!("hba_file = '{}'", c("pg_hba.conf")),
                ],
                ..InitOptions::default()
            },
        );
        admin.dbname = Some("postgres".into());
        let port = admin.port();
        let setup = admin.clone();
        // Set up on a thread of its own: async tests call this from inside their runtime.
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let db = connect(&setup).await;
                exec(&db, "CREATE DATABASE towow").await;
                exec(
                    &db,
                    &format!(
                        "CREATE ROLE towow_cert LOGIN; CREATE ROLE towow_tlsonly LOGIN PASSWORD '{PW}';
                     GRANT CONNECT ON DATABASE towow TO towow_cert, towow_tlsonly;"
                    ),
                )
                .await;
            });
        })
        .join()
        .unwrap();
        admin.dbname = Some("towow".into());
        TlsServer { admin, port, certs }
    })
}

fn ca_pem_only(name: &str) -> String {
    ca(name).pem()
}

/// A URL to the TLS cluster's `towow` database.
fn url(host: &str, user: &str, password: Option<&str>, params: &str) -> String {
    let s = tls_server();
    let auth = match password {
        Some(p) => format!("{user}:{p}"),
        None => user.to_string(),
    };
    format!("postgresql://{auth}@{host}:{}/towow?{params}", s.port)
}

fn admin_url(host: &str, params: &str) -> String {
    let a = &tls_server().admin;
    url(host, a.user.as_deref().unwrap(), a.password.as_deref(), params)
}

fn cert(f: &str) -> String {
    tls_server().certs.join(f).display().to_string()
}

/// Run the binary with `HOME` set to `home` (libpq's `~/.postgresql` lives there).
fn run_home(home: &Path, args: &[&str]) -> Output {
    let o = cmd().env("HOME", home).args(args).output().unwrap();
    assert_no_panic(&o);
    o
}

fn empty_home(tag: &str) -> PathBuf {
    temp_dir(tag)
}

#[track_caller]
fn assert_tls_error(o: &Output, contains: &[&str]) {
    assert_eq!(o.status.code(), Some(1), "stdout: {}\nstderr: {}", stdout(o), stderr(o));
    let e = stderr(o);
    let lines: Vec<&str> = e.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {e}");
    let a = &tls_server().admin;
    for m in [&format!("port {}", tls_server().port), "database \"towow\"", "user \""] {
        assert!(e.contains(m), "`{m}` missing: {e}");
    }
    assert!(!e.contains(a.password.as_deref().unwrap()) && !e.contains(PW), "password leaked: {e}");
    for m in contains {
        assert!(e.contains(m), "`{m}` missing: {e}");
    }
}

/// Whether a connection made with these settings runs over TLS (pg_stat_ssl), via the library.
async fn uses_tls(url: &str) -> bool {
    let cfg = ConnConfig::parse(url, towow_db::connect::Source::Given).unwrap();
    let db = connect(&cfg).await;
    scalar_bool(&db, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").await
}

#[test]
fn verify_full_accepts_the_certificate_name_and_refuses_another() {
    let home = empty_home("tlshome1");
    let root = format!("sslmode=verify-full&sslrootcert={}", cert("ca.crt"));
    let o = run_home(&home, &["--url", &admin_url("localhost", &root), "migrate", "status"]);
    assert_ok(&o);

    // The certificate names localhost, not 127.0.0.1: verify-full refuses, verify-ca accepts.
    let o = run_home(&home, &["--url", &admin_url("127.0.0.1", &root), "migrate", "status"]);
    assert_tls_error(&o, &["host 127.0.0.1", "does not match the host name", "verify-ca"]);
    let ca_only = format!("sslmode=verify-ca&sslrootcert={}", cert("ca.crt"));
    let o = run_home(&home, &["--url", &admin_url("127.0.0.1", &ca_only), "migrate", "status"]);
    assert_ok(&o);

    // A root certificate of another CA: the chain does not verify.
    let other = format!("sslmode=verify-ca&sslrootcert={}", cert("other-ca.crt"));
    let o = run_home(&home, &["--url", &admin_url("localhost", &other), "migrate", "status"]);
    assert_tls_error(&o, &["not signed by a trusted root", "sslrootcert"]);

    // verify-full with no root certificate at all (none given, no ~/.postgresql/root.crt).
    let o = run_home(&home, &["--url", &admin_url("localhost", "sslmode=verify-full"), "migrate", "status"]);
    assert_tls_error(&o, &["root certificate file", ".postgresql/root.crt", "does not exist"]);
}

#[test]
fn require_checks_nothing_unless_a_root_certificate_exists_as_in_libpq() {
    let home = empty_home("tlshome2");
    let o = run_home(&home, &["--url", &admin_url("127.0.0.1", "sslmode=require"), "migrate", "status"]);
    assert_ok(&o);

    // ~/.postgresql/root.crt from another CA: require now verifies the chain, and fails.
    std::fs::create_dir_all(home.join(".postgresql")).unwrap();
    std::fs::copy(cert("other-ca.crt"), home.join(".postgresql/root.crt")).unwrap();
    let o = run_home(&home, &["--url", &admin_url("127.0.0.1", "sslmode=require"), "migrate", "status"]);
    assert_tls_error(&o, &["not signed by a trusted root"]);

    // The right CA there: require verifies the chain (not the name, like verify-ca), and passes.
    std::fs::copy(cert("ca.crt"), home.join(".postgresql/root.crt")).unwrap();
    let o = run_home(&home, &["--url", &admin_url("127.0.0.1", "sslmode=require"), "migrate", "status"]);
    assert_ok(&o);
    // require means TLS: towow_tlsonly may only come in over TLS (hostnossl … reject).
    let tls_only = url("127.0.0.1", "towow_tlsonly", Some(PW), "sslmode=require");
    assert_ok(&run_home(&home, &["--url", &tls_only, "migrate", "status"]));
}

/// The binary with the TLS cluster's `towow` database in libpq variables (host `host`), `HOME`
/// at `home`, and the `PG*` variables given.
fn run_pgvars(home: &Path, host: &str, user: &str, password: &str, vars: &[(&str, String)]) -> Output {
    let o = cmd()
        .env("HOME", home)
        .env("PGHOST", host)
        .env("PGPORT", tls_server().port.to_string())
        .env("PGUSER", user)
        .env("PGPASSWORD", password)
        .env("PGDATABASE", "towow")
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .args(["migrate", "status"])
        .output()
        .unwrap();
    assert_no_panic(&o);
    o
}

#[test]
fn pgsslmode_pgsslrootcert_and_pgchannelbinding_work_like_url_parameters() {
    // No ~/.postgresql/root.crt: every root certificate comes from PGSSLROOTCERT.
    let home = empty_home("tlshome7");
    let a = &tls_server().admin;
    let (user, pw) = (a.user.as_deref().unwrap(), a.password.as_deref().unwrap());
    let var = |k: &'static str, v: &str| (k, v.to_string());
    // PGSSLMODE=verify-full checks the host name (127.0.0.1 is not in the certificate).
    let o = run_pgvars(
        &home,
        "127.0.0.1",
        user,
        pw,
        &[var("PGSSLMODE", "verify-full"), var("PGSSLROOTCERT", &cert("ca.crt"))],
    );
    assert_tls_error(&o, &["does not match the host name"]);
    // PGSSLROOTCERT is the root the chain is verified with: the right CA passes, another fails.
    let o = run_pgvars(
        &home,
        "localhost",
        user,
        pw,
        &[var("PGSSLMODE", "verify-full"), var("PGSSLROOTCERT", &cert("ca.crt"))],
    );
    assert_ok(&o);
    let o = run_pgvars(
        &home,
        "localhost",
        user,
        pw,
        &[var("PGSSLMODE", "verify-ca"), var("PGSSLROOTCERT", &cert("other-ca.crt"))],
    );
    assert_tls_error(&o, &["not signed by a trusted root"]);
    // PGSSLMODE=require is TLS (towow_tlsonly is refused without it), PGSSLMODE=disable is not.
    let o = run_pgvars(&home, "127.0.0.1", "towow_tlsonly", PW, &[var("PGSSLMODE", "require")]);
    assert_ok(&o);
    let o = run_pgvars(&home, "127.0.0.1", "towow_tlsonly", PW, &[var("PGSSLMODE", "disable")]);
    assert_tls_error(&o, &["towow_tlsonly", "hostssl"]);
    // PGCHANNELBINDING=require: SCRAM-SHA-256-PLUS over TLS, refused without TLS.
    let o = run_pgvars(
        &home,
        "localhost",
        user,
        pw,
        &[
            var("PGSSLMODE", "verify-full"),
            var("PGSSLROOTCERT", &cert("ca.crt")),
            var("PGCHANNELBINDING", "require"),
        ],
    );
    assert_ok(&o);
    let o = run_pgvars(
        &home,
        "127.0.0.1",
        user,
        pw,
        &[var("PGSSLMODE", "disable"), var("PGCHANNELBINDING", "require")],
    );
    assert_tls_error(&o, &["channel binding"]);
}

#[test]
fn sslrootcert_system_verifies_with_the_systems_roots_only() {
    // The system's roots are ours here: rustls-native-certs reads SSL_CERT_FILE, as OpenSSL does.
    let home = empty_home("tlshome8");
    // ~/.postgresql/root.crt holds the right CA: `system` must not read it.
    std::fs::create_dir_all(home.join(".postgresql")).unwrap();
    std::fs::copy(cert("ca.crt"), home.join(".postgresql/root.crt")).unwrap();
    let with_roots = |roots: &str, host: &str, params: &str| {
        let o = cmd()
            .env("HOME", &home)
            .env("SSL_CERT_FILE", cert(roots))
            .env_remove("SSL_CERT_DIR")
            .args(["--url", &admin_url(host, params), "migrate", "status"])
            .output()
            .unwrap();
        assert_no_panic(&o);
        o
    };
    assert_ok(&with_roots("ca.crt", "localhost", "sslrootcert=system"));
    // Without sslmode, `system` means verify-full (libpq 16): the host name is checked.
    let o = with_roots("ca.crt", "127.0.0.1", "sslrootcert=system");
    assert_tls_error(&o, &["does not match the host name"]);
    // The system does not trust our CA: refused, whatever ~/.postgresql/root.crt says.
    let o = with_roots("other-ca.crt", "localhost", "sslrootcert=system");
    assert_tls_error(&o, &["not signed by a trusted root"]);
    // A weaker sslmode with the system's roots is refused, as libpq refuses it.
    let o = with_roots("ca.crt", "localhost", "sslrootcert=system&sslmode=require");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("weak sslmode \"require\""), "{}", stderr(&o));
}

#[tokio::test]
async fn require_fails_against_a_server_without_tls_and_prefer_falls_back() {
    // The main test cluster runs without TLS.
    let mut cfg = fresh_db("notls").await;
    cfg.sslmode = SslMode::Require;
    let o = run_url(&cfg, &["migrate", "status"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("server does not support TLS") && e.contains("ssl on"), "{e}");
    assert!(e.contains(&format!("port {}", cfg.port())) && e.contains(&cfg.user_or_default()), "{e}");
    assert!(!e.contains(cfg.password.as_deref().unwrap()), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");

    cfg.sslmode = SslMode::Prefer;
    assert!(!uses_tls(&cfg.url_with_password()).await, "prefer: plain against a server without TLS");
    assert_ok(&run_url(&cfg, &["migrate", "status"]));
    // And prefer does use TLS where the server offers it.
    assert!(uses_tls(&admin_url("127.0.0.1", "sslmode=prefer")).await);
    assert!(
        uses_tls(&admin_url("localhost", &format!("sslmode=verify-full&sslrootcert={}", cert("ca.crt"))))
            .await
    );
}

#[tokio::test]
async fn allow_retries_with_tls_when_the_server_refuses_plain() {
    let home = empty_home("tlshome3");
    // towow_tlsonly may only come in over TLS (hostnossl … reject).
    let plain = url("127.0.0.1", "towow_tlsonly", Some(PW), "sslmode=disable");
    let o = run_home(&home, &["--url", &plain, "migrate", "status"]);
    assert_tls_error(&o, &["towow_tlsonly", "28000", "hostssl", "sslmode=require"]);
    let allow = url("127.0.0.1", "towow_tlsonly", Some(PW), "sslmode=allow");
    assert!(uses_tls(&allow).await, "allow: plain refused, then TLS");
    // And allow stays plain where plain is accepted.
    assert!(!uses_tls(&admin_url("127.0.0.1", "sslmode=allow")).await);
}

#[test]
fn a_client_certificate_logs_in_and_its_key_must_be_private() {
    let home = empty_home("tlshome4");
    let dir = temp_dir("clientkeys");
    let base = format!("sslmode=verify-full&sslrootcert={}", cert("ca.crt"));
    // No client certificate: the `cert` line refuses.
    let o = run_home(&home, &["--url", &url("localhost", "towow_cert", None, &base), "migrate", "status"]);
    assert_tls_error(&o, &["towow_cert", "client certificate", "sslcert"]);

    let with = |key: &Path| format!("{base}&sslcert={}&sslkey={}", cert("client.crt"), key.display());
    // PKCS#8 (what rcgen writes).
    let pkcs8 = dir.join("client.pkcs8.key");
    std::fs::copy(cert("client.key"), &pkcs8).unwrap();
    std::fs::set_permissions(&pkcs8, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run_home(
        &home,
        &["--url", &url("localhost", "towow_cert", None, &with(&pkcs8)), "migrate", "status"],
    );
    assert_ok(&o);

    // SEC1 ("EC PRIVATE KEY"), converted by the openssl CLI.
    let sec1 = dir.join("client.sec1.key");
    if !has_program("openssl", "version") {
        missing_prerequisite("the openssl command is not installed (the TLS tests convert keys with it)");
    }
    let st = std::process::Command::new("openssl")
        .args(["ec", "-in"])
        .arg(&pkcs8)
        .arg("-out")
        .arg(&sec1)
        .output()
        .expect("the openssl CLI (.ci/run installs it)");
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    assert!(std::fs::read_to_string(&sec1).unwrap().contains("BEGIN EC PRIVATE KEY"));
    std::fs::set_permissions(&sec1, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o =
        run_home(&home, &["--url", &url("localhost", "towow_cert", None, &with(&sec1)), "migrate", "status"]);
    assert_ok(&o);

    // Group/world-readable key: refused with libpq's message, before connecting.
    std::fs::set_permissions(&sec1, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o =
        run_home(&home, &["--url", &url("localhost", "towow_cert", None, &with(&sec1)), "migrate", "status"]);
    assert_tls_error(&o, &["has group or world access", "u=rw (0600)"]);

    // libpq's default files: ~/.postgresql/postgresql.crt and postgresql.key.
    let pg = home.join(".postgresql");
    std::fs::create_dir_all(&pg).unwrap();
    std::fs::copy(cert("client.crt"), pg.join("postgresql.crt")).unwrap();
    std::fs::copy(&pkcs8, pg.join("postgresql.key")).unwrap();
    std::fs::set_permissions(pg.join("postgresql.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::copy(cert("ca.crt"), pg.join("root.crt")).unwrap();
    let o = run_home(
        &home,
        &["--url", &url("localhost", "towow_cert", None, "sslmode=verify-full"), "migrate", "status"],
    );
    assert_ok(&o);
}

#[test]
fn a_pkcs1_rsa_client_key_works() {
    // ring cannot make RSA keys: the openssl CLI makes the key and its certificate (signed by our CA).
    let home = empty_home("tlshome5");
    let dir = temp_dir("rsakeys");
    let key = dir.join("rsa.key");
    let csr = dir.join("rsa.csr");
    let crt = dir.join("rsa.crt");
    let openssl = |args: &[&str]| {
        if !has_program("openssl", "version") {
            missing_prerequisite(
                "the openssl command is not installed (the TLS tests sign certificates with it)",
            );
        }
        let o = std::process::Command::new("openssl").args(args).output().expect("the openssl CLI");
        assert!(o.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    let p = |x: &Path| x.display().to_string();
    openssl(&["genrsa", "-traditional", "-out", &p(&key), "2048"]);
    openssl(&["req", "-new", "-key", &p(&key), "-subj", "/CN=towow_cert", "-out", &p(&csr)]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &p(&csr),
        "-CA",
        &cert("ca.crt"),
        "-CAkey",
        &cert("ca.key"),
        "-days",
        "2",
        "-out",
        &p(&crt),
    ]);
    assert!(std::fs::read_to_string(&key).unwrap().contains("BEGIN RSA PRIVATE KEY"));
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let params = format!(
        "sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
        cert("ca.crt"),
        crt.display(),
        key.display()
    );
    let o = run_home(&home, &["--url", &url("localhost", "towow_cert", None, &params), "migrate", "status"]);
    assert_ok(&o);
}

#[test]
fn channel_binding_require_authenticates_with_scram_plus_over_tls_only() {
    // SCRAM-SHA-256-PLUS succeeds only when our tls-server-end-point hash matches the server's.
    let home = empty_home("tlshome6");
    let params = format!("sslmode=verify-full&sslrootcert={}&channel_binding=require", cert("ca.crt"));
    let o = run_home(&home, &["--url", &admin_url("localhost", &params), "migrate", "status"]);
    assert_ok(&o);
    let o = run_home(
        &home,
        &["--url", &admin_url("127.0.0.1", "sslmode=disable&channel_binding=require"), "migrate", "status"],
    );
    assert_tls_error(&o, &["channel binding", "sslmode=require or stricter"]);
}
