//! TLS as libpq does it, for every pooled and dedicated connection (`setup` opens them through
//! the [`Connector`]).
//!
//! tokio-postgres itself only knows `disable`, `prefer` and `require`, and verifies nothing: the
//! [`Connector`] implements libpq's six `sslmode`s on top of it with rustls:
//!
//! | sslmode | TLS | certificate check |
//! |---|---|---|
//! | `disable` | never | - |
//! | `allow` | plain first; TLS only when the server refuses the plain connection | as `prefer` |
//! | `prefer` | TLS when the server offers it, else plain (also after a failed handshake) | chain, when a root certificate file exists, else none |
//! | `require` | always | chain, when a root certificate file exists (as libpq), else none |
//! | `verify-ca` | always | chain |
//! | `verify-full` | always | chain and host name (IP SANs for IP addresses) |
//!
//! The root certificates come from `sslrootcert`, else libpq's default `~/.postgresql/root.crt`;
//! `sslrootcert=system` uses the system's trusted roots (and, as in libpq, needs `verify-full`). A
//! client certificate comes from `sslcert`/`sslkey`, else `~/.postgresql/postgresql.{crt,key}` when
//! they exist; the key (PKCS#8, PKCS#1 or SEC1 PEM) is refused when group or world can read it,
//! with libpq's rule and message. Unix sockets never use TLS, as in libpq.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use anyhow::{Context as _, Result, anyhow, bail};
use futures_util::future::BoxFuture;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::task::JoinHandle;
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use tokio_postgres::{CancelToken, Client, Config, Error, NoTls, Socket};

use crate::connect::url::{ConnConfig, SslMode};

/// `sslrootcert=system`: the operating system's trusted roots.
pub const SYSTEM_ROOTS: &str = "system";

/// Where the certificates of a connection come from, for `-v` output and messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TlsPlan {
    pub sslmode: SslMode,
    /// The root certificate file used to verify the server (or `system`), if any.
    pub root_cert: Option<PathBuf>,
    /// The client certificate presented to the server, if any.
    pub client_cert: Option<PathBuf>,
    /// What is checked: `none`, `chain` or `chain and host name`.
    pub verify: &'static str,
}

impl std::fmt::Display for TlsPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sslmode {}, server certificate check: {}", self.sslmode.as_str(), self.verify)?;
        if let Some(r) = &self.root_cert {
            write!(f, " (roots {})", r.display())?;
        }
        match &self.client_cert {
            Some(c) => write!(f, ", client certificate {}", c.display()),
            None => f.write_str(", no client certificate"),
        }
    }
}

/// Opens one connection to one host, honouring `sslmode` and the certificates (`setup` adds the
/// deadline and the fallback for poolers).
#[derive(Clone)]
pub struct Connector {
    sslmode: SslMode,
    tls: Option<MakeRustls>,
    plan: TlsPlan,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector").field("plan", &self.plan).finish()
    }
}

/// libpq's default file in `~/.postgresql/`.
fn default_file(name: &str) -> Option<PathBuf> {
    super::env::home_dir().map(|h| h.join(".postgresql").join(name))
}

impl Connector {
    /// A connector for `cfg`'s TLS settings.
    pub fn new(cfg: &ConnConfig) -> Result<Connector> {
        let sockets_only = !cfg.hosts.is_empty() && cfg.hosts.iter().all(|h| h.starts_with('/'));
        let mut sslmode = cfg.sslmode;
        let system = cfg.sslrootcert.as_deref() == Some(Path::new(SYSTEM_ROOTS));
        if system {
            match sslmode {
                SslMode::VerifyFull => {}
                // libpq 16: sslrootcert=system makes verify-full the default.
                SslMode::Prefer => sslmode = SslMode::VerifyFull,
                other => bail!(
                    "weak sslmode \"{}\" may not be used with sslrootcert=system (use \"verify-full\")",
                    other.as_str()
                ),
            }
        }
        let mut plan = TlsPlan { sslmode, root_cert: None, client_cert: None, verify: "none" };
        // Unix sockets never use TLS (libpq does not even ask).
        if sslmode == SslMode::Disable || sockets_only {
            plan.sslmode = SslMode::Disable;
            return Ok(Connector { sslmode: SslMode::Disable, tls: None, plan });
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let provider_key = provider.key_provider;
        let roots = load_roots(cfg, sslmode)?;
        let verifier: Arc<dyn ServerCertVerifier> = match &roots {
            None => Arc::new(AcceptAnyCert(provider.clone())),
            Some((store, path)) => {
                plan.root_cert = Some(path.clone());
                let webpki =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(store.clone()), provider.clone())
                        .build()
                        .map_err(|e| {
                            anyhow!("cannot use the root certificates in {}: {e}", path.display())
                        })?;
                if sslmode == SslMode::VerifyFull {
                    plan.verify = "chain and host name";
                    webpki
                } else {
                    plan.verify = "chain";
                    Arc::new(ChainOnly(webpki))
                }
            }
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| anyhow!("TLS set-up: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let mut config = match load_client_cert(cfg)? {
            Some((chain, key, path)) => {
                plan.client_cert = Some(path.clone());
                let signer = provider_key.load_private_key(key).map_err(|e| {
                    anyhow!("cannot use the private key of the client certificate {}: {e}", path.display())
                })?;
                // Not `with_client_auth_cert`: it parses the certificate with webpki, which refuses
                // X.509 v1 certificates (what `openssl x509 -req` makes); OpenSSL, the server's
                // judge, accepts them.
                let certified = Arc::new(rustls::sign::CertifiedKey::new(chain, signer));
                builder.with_client_cert_resolver(Arc::new(FixedClientCert(certified)))
            }
            None => builder.with_no_client_auth(),
        };
        // As libpq 17: announce the protocol (PostgreSQL 17 needs it for direct TLS).
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(Connector { sslmode, tls: Some(MakeRustls { config: Arc::new(config) }), plan })
    }

    pub fn sslmode(&self) -> SslMode {
        self.sslmode
    }

    pub fn plan(&self) -> &TlsPlan {
        &self.plan
    }

    async fn attempt(&self, cfg: &Config, mode: SslMode) -> Result<(Client, JoinHandle<()>), Error> {
        let mut cfg = cfg.clone();
        match (mode, &self.tls) {
            (SslMode::Disable, _) | (_, None) => {
                cfg.ssl_mode(tokio_postgres::config::SslMode::Disable);
                spawn(cfg.connect(NoTls).await?)
            }
            (SslMode::Prefer, Some(tls)) => {
                cfg.ssl_mode(tokio_postgres::config::SslMode::Prefer);
                spawn(cfg.connect(tls.clone()).await?)
            }
            (_, Some(tls)) => {
                cfg.ssl_mode(tokio_postgres::config::SslMode::Require);
                spawn(cfg.connect(tls.clone()).await?)
            }
        }
    }

    /// Ask the server to cancel the statement running on the connection of `token` (over TLS
    /// when that connection used it).
    pub async fn cancel(&self, token: &CancelToken) -> Result<(), Error> {
        match &self.tls {
            Some(tls) => token.cancel_query(tls.clone()).await,
            None => token.cancel_query(NoTls).await,
        }
    }

    /// One connection with libpq's fallbacks for `allow` and `prefer`.
    pub(crate) async fn connect_mode(&self, cfg: &Config) -> Result<(Client, JoinHandle<()>), Error> {
        match self.sslmode {
            SslMode::Allow => match self.attempt(cfg, SslMode::Disable).await {
                // The server refused the plain connection (e.g. only `hostssl` in pg_hba.conf).
                Err(e) if e.as_db_error().is_some() => {
                    tracing::debug!("sslmode=allow: plain connection refused ({e}); trying TLS");
                    self.attempt(cfg, SslMode::Require).await
                }
                other => other,
            },
            SslMode::Prefer => match self.attempt(cfg, SslMode::Prefer).await {
                Err(e) if is_handshake_error(&e) => {
                    tracing::debug!("sslmode=prefer: TLS handshake failed ({e}); trying without TLS");
                    self.attempt(cfg, SslMode::Disable).await
                }
                other => other,
            },
            mode => self.attempt(cfg, mode).await,
        }
    }
}

fn spawn<S, T>(
    (client, connection): (Client, tokio_postgres::Connection<S, T>),
) -> Result<(Client, JoinHandle<()>), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let task = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!("connection closed: {e}");
        }
    });
    Ok((client, task))
}

/// Whether a failed connection failed in the TLS handshake (not before, not after).
pub fn is_handshake_error(e: &Error) -> bool {
    handshake_failure(e).is_some()
}

/// What a failed TLS handshake was, for the remedy (from rustls' error, not from its text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    /// The server certificate is signed by no root in sslrootcert.
    UnknownIssuer,
    /// The server certificate names other hosts (verify-full).
    WrongName,
    /// The server ended the handshake with an alert (it wants a client certificate, or refused
    /// the one given).
    AlertReceived,
    /// Anything else (an expired certificate, a protocol error).
    Other,
}

/// The failed handshake in `e`'s chain, if there is one.
pub fn handshake_failure(e: &Error) -> Option<TlsFailure> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cur {
        if let Some(h) = c.downcast_ref::<HandshakeError>() {
            return Some(match h.0.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                    TlsFailure::UnknownIssuer
                }
                Some(rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
                )) => TlsFailure::WrongName,
                Some(rustls::Error::AlertReceived(_)) => TlsFailure::AlertReceived,
                _ => TlsFailure::Other,
            });
        }
        cur = c.source();
    }
    None
}

/// A PEM file's bytes, bounded (a CA bundle is the largest: see `files::LARGE_LIMIT`).
fn read_pem(path: &Path, what: &str) -> Result<Vec<u8>> {
    crate::files::read_bounded(path, crate::files::LARGE_LIMIT)
        .map_err(|e| anyhow!("cannot read {what} from {}: {e}", path.display()))
}

fn read_pem_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = read_pem(path, "certificates")?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("cannot read certificates from {}: {e}", path.display()))?;
    if certs.is_empty() {
        bail!("no PEM certificate in {}", path.display());
    }
    Ok(certs)
}

/// The root certificates to verify the server with, as libpq finds them: `sslrootcert` (or
/// `system`), else `~/.postgresql/root.crt` when it exists. `verify-*` without any is an error;
/// `require`/`prefer`/`allow` without any verify nothing.
fn load_roots(cfg: &ConnConfig, sslmode: SslMode) -> Result<Option<(RootCertStore, PathBuf)>> {
    let verify = matches!(sslmode, SslMode::VerifyCa | SslMode::VerifyFull);
    if cfg.sslrootcert.as_deref() == Some(Path::new(SYSTEM_ROOTS)) {
        let found = rustls_native_certs::load_native_certs();
        let mut store = RootCertStore::empty();
        let (added, _) = store.add_parsable_certificates(found.certs);
        if added == 0 {
            bail!("sslrootcert=system: no trusted root certificates found on this system");
        }
        return Ok(Some((store, PathBuf::from(SYSTEM_ROOTS))));
    }
    let path = match cfg.sslrootcert.clone().or_else(|| default_file("root.crt")) {
        Some(p) => p,
        None if verify => bail!(
            "could not get home directory to locate root certificate file; either provide the file (sslrootcert) or change sslmode to disable server certificate verification"
        ),
        None => return Ok(None),
    };
    if !path.exists() {
        if verify {
            bail!(
                "root certificate file \"{}\" does not exist; either provide the file (sslrootcert=…, PGSSLROOTCERT), use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification",
                path.display()
            );
        }
        return Ok(None);
    }
    let mut store = RootCertStore::empty();
    for c in read_pem_certs(&path)? {
        store.add(c).map_err(|e| anyhow!("bad root certificate in {}: {e}", path.display()))?;
    }
    Ok(Some((store, path)))
}

/// libpq's rule for the private key file: not readable by group or world, except that a file owned
/// by root may be group-readable (0640).
pub fn check_key_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let md = std::fs::metadata(path)
        .with_context(|| format!("could not access private key file \"{}\"", path.display()))?;
    if !md.is_file() {
        bail!("private key file \"{}\" is not a regular file", path.display());
    }
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let mode = md.mode();
    let bad = (md.uid() == me && mode & 0o077 != 0) || (md.uid() == 0 && mode & 0o037 != 0);
    if bad {
        bail!(
            "private key file \"{}\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root",
            path.display()
        );
    }
    Ok(())
}

type ClientCert = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>, PathBuf);

/// The client certificate and key: `sslcert`/`sslkey`, else `~/.postgresql/postgresql.{crt,key}`;
/// no certificate file means no client certificate (as libpq).
fn load_client_cert(cfg: &ConnConfig) -> Result<Option<ClientCert>> {
    let Some(cert_path) = cfg.sslcert.clone().or_else(|| default_file("postgresql.crt")) else {
        return Ok(None);
    };
    if !cert_path.exists() {
        return Ok(None);
    }
    let chain = read_pem_certs(&cert_path)?;
    let key_path = cfg
        .sslkey
        .clone()
        .or_else(|| default_file("postgresql.key"))
        .ok_or_else(|| anyhow!("certificate present, but no private key file (sslkey)"))?;
    if !key_path.exists() {
        bail!("certificate present, but not private key file \"{}\"", key_path.display());
    }
    check_key_permissions(&key_path)?;
    let key = PrivateKeyDer::from_pem_slice(&read_pem(&key_path, "the private key")?).map_err(|e| {
        anyhow!(
            "cannot read the private key in \"{}\" (PEM: PKCS#8, PKCS#1 or SEC1; encrypted keys are not supported): {e}",
            key_path.display()
        )
    })?;
    Ok(Some((chain, key, cert_path)))
}

/// `require` (and `prefer`/`allow`) without a root certificate: encrypt, check nothing about the
/// certificate, but still check that the server holds its key (the handshake signatures).
#[derive(Debug)]
struct AcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (and `require` with a root certificate): the full webpki chain check, minus the
/// host name. webpki checks the name last, after the chain, so ignoring only that error is safe.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The one client certificate, offered whatever the server hints.
#[derive(Debug)]
struct FixedClientCert(Arc<rustls::sign::CertifiedKey>);

impl rustls::client::ResolvesClientCert for FixedClientCert {
    fn resolve(
        &self,
        _hints: &[&[u8]],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

/// A failed TLS handshake, with rustls' reason in words a DBA recognises.
#[derive(Debug)]
pub struct HandshakeError(io::Error);

impl std::fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.0.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>());
        match inner {
            Some(rustls::Error::InvalidCertificate(ce)) => match ce {
                CertificateError::UnknownIssuer => f.write_str(
                    "the server certificate is not signed by a trusted root certificate (sslrootcert)",
                ),
                CertificateError::NotValidForNameContext { expected, presented } => write!(
                    f,
                    "the server certificate does not match the host name: it names {}, not {}",
                    presented.iter().map(|p| san_text(p)).collect::<Vec<_>>().join(", "),
                    server_name_text(expected)
                ),
                CertificateError::NotValidForName => {
                    f.write_str("the server certificate does not match the host name")
                }
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    f.write_str("the server certificate has expired")
                }
                other => write!(f, "the server certificate was refused: {other:?}"),
            },
            Some(rustls::Error::AlertReceived(a)) => {
                write!(f, "the server sent the TLS alert {a:?} (does it want a client certificate?)")
            }
            Some(other) => write!(f, "{other}"),
            None => write!(f, "{}", self.0),
        }
    }
}

fn server_name_text(n: &ServerName<'_>) -> String {
    match n {
        ServerName::DnsName(d) => d.as_ref().to_string(),
        ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

/// rustls shows the certificate's names as `DnsName("x")` / `IpAddress(…)`: keep the name.
fn san_text(p: &str) -> String {
    p.strip_prefix("DnsName(\"").and_then(|r| r.strip_suffix("\")")).unwrap_or(p).to_string()
}

impl std::error::Error for HandshakeError {}

/// Makes a rustls connection per host (tokio-postgres passes the host name for SNI and checks).
#[derive(Clone)]
pub struct MakeRustls {
    config: Arc<ClientConfig>,
}

impl MakeTlsConnect<Socket> for MakeRustls {
    type Stream = RustlsStream;
    type TlsConnect = RustlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, io::Error> {
        // "" for Unix sockets, which never get as far as a handshake.
        let name = if domain.is_empty() {
            None
        } else {
            Some(
                ServerName::try_from(domain.to_string())
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
            )
        };
        Ok(RustlsConnect { config: self.config.clone(), name })
    }
}

pub struct RustlsConnect {
    config: Arc<ClientConfig>,
    name: Option<ServerName<'static>>,
}

impl TlsConnect<Socket> for RustlsConnect {
    type Stream = RustlsStream;
    type Error = HandshakeError;
    type Future = BoxFuture<'static, Result<RustlsStream, HandshakeError>>;

    fn connect(self, stream: Socket) -> Self::Future {
        Box::pin(async move {
            let name = self.name.ok_or_else(|| {
                HandshakeError(io::Error::new(io::ErrorKind::InvalidInput, "no host name for TLS"))
            })?;
            let s = tokio_rustls::TlsConnector::from(self.config)
                .connect(name, stream)
                .await
                .map_err(HandshakeError)?;
            Ok(RustlsStream(Box::new(s)))
        })
    }
}

pub struct RustlsStream(Box<tokio_rustls::client::TlsStream<Socket>>);

impl AsyncRead for RustlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for RustlsStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

impl TlsStream for RustlsStream {
    /// `tls-server-end-point` (RFC 5929) for SCRAM-SHA-256-PLUS: the server certificate hashed with
    /// the hash of its signature algorithm (SHA-256 for MD5/SHA-1), as PostgreSQL computes it.
    fn channel_binding(&self) -> ChannelBinding {
        let (_, conn) = self.0.get_ref();
        match conn.peer_certificates().and_then(|c| c.first()).and_then(|c| end_point_hash(c)) {
            Some(h) => ChannelBinding::tls_server_end_point(h),
            None => ChannelBinding::none(),
        }
    }
}

/// One DER element: (tag, contents, rest).
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize);
        rest = &rest[n..];
        len
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The signature algorithm OID of a certificate (DER contents of the OID).
fn signature_oid(cert: &[u8]) -> Option<&[u8]> {
    let (_, body, _) = der(cert)?; // Certificate ::= SEQUENCE
    let (_, _, after_tbs) = der(body)?; // tbsCertificate
    let (_, alg, _) = der(after_tbs)?; // signatureAlgorithm ::= SEQUENCE
    let (tag, oid, _) = der(alg)?;
    (tag == 0x06).then_some(oid)
}

fn end_point_hash(cert: &CertificateDer<'_>) -> Option<Vec<u8>> {
    use sha2::Digest;
    // 1.2.840.113549.1.1.{4,5,11,12,13}: RSA with MD5, SHA-1, SHA-256, SHA-384, SHA-512;
    // 1.2.840.10045.4.1 and 1.2.840.10045.4.3.{2,3,4}: ECDSA with SHA-1, SHA-256, SHA-384, SHA-512.
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    let oid = signature_oid(cert)?;
    let bits = match oid {
        [p @ .., 4 | 5 | 11] if p == RSA => 256,
        [p @ .., 12] if p == RSA => 384,
        [p @ .., 13] if p == RSA => 512,
        [p @ .., 1] if p == ECDSA => 256,
        [p @ .., 3, 2] if p == ECDSA => 256,
        [p @ .., 3, 3] if p == ECDSA => 384,
        [p @ .., 3, 4] if p == ECDSA => 512,
        _ => return None,
    };
    Some(match bits {
        256 => sha2::Sha256::digest(cert.as_ref()).to_vec(),
        384 => sha2::Sha384::digest(cert.as_ref()).to_vec(),
        _ => sha2::Sha512::digest(cert.as_ref()).to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_walk_finds_the_signature_algorithm() {
        // SEQUENCE { SEQUENCE {} , SEQUENCE { OID 1.2.840.10045.4.3.2 } , BIT STRING }
        let cert = [
            0x30, 0x12, 0x30, 0x00, 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
            0x03, 0x02, 0x00, 0x00,
        ];
        assert_eq!(signature_oid(&cert), Some(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02][..]));
        assert_eq!(end_point_hash(&CertificateDer::from(cert.to_vec())).map(|h| h.len()), Some(32));
        assert_eq!(signature_oid(&[0x30, 0x05, 0x30]), None);
    }

    #[test]
    fn key_permissions_like_libpq() {
        use std::os::unix::fs::PermissionsExt;
        let dir = crate::test_support::TempDir::new("tls-unit");
        let key = dir.file("k.key", "x");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(check_key_permissions(&key).is_ok());
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = check_key_permissions(&key).unwrap_err().to_string();
        assert!(e.contains("group or world access"), "{e}");
    }

    #[test]
    fn system_roots_need_verify_full() {
        let mut c = ConnConfig::empty(crate::connect::url::Source::Given);
        c.hosts = vec!["db".into()];
        c.sslrootcert = Some(PathBuf::from(SYSTEM_ROOTS));
        c.sslmode = SslMode::Require;
        let e = Connector::new(&c).unwrap_err().to_string();
        assert!(e.contains("weak sslmode \"require\""), "{e}");
    }

    #[test]
    fn sockets_never_use_tls() {
        let mut c = ConnConfig::empty(crate::connect::url::Source::Given);
        c.hosts = vec!["/var/run/postgresql".into()];
        c.sslmode = SslMode::VerifyFull;
        assert_eq!(Connector::new(&c).unwrap().sslmode(), SslMode::Disable);
    }
}
