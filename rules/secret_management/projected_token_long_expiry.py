"""projected-token-long-expiry (rule-catalog §6)."""

from collections.abc import Iterator, Mapping

from kubelint_py.k8s.workloads import pod_volumes
from kubelint_py.rule_api import Document, RuleContext, Violation, pod_spec_path, rule


@rule("projected-token-long-expiry")
def check(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = pod_spec_path(doc)
    if spec_path is None:
        return
    limit = int(ctx.options.get("maxExpirationSeconds", 86400))
    for i, volume in enumerate(pod_volumes(doc)):
        # (exact tests first, for the loader's dicts and the usual absent None: no ABC isinstance)
        projected = volume.get("projected") if type(volume) is dict or isinstance(volume, Mapping) else None
        is_map = projected is not None and (type(projected) is dict or isinstance(projected, Mapping))
        sources = projected.get("sources") if is_map else None  # type: ignore[union-attr]
        for j, source in enumerate(sources if isinstance(sources, list) else ()):
            token = source.get("serviceAccountToken") if isinstance(source, Mapping) else None
            seconds = token.get("expirationSeconds") if isinstance(token, Mapping) else None
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= limit:
                continue
            name = volume.get("name") if isinstance(volume, Mapping) else None
            yield Violation(
                f'projected volume "{name}" requests a service-account token valid for {seconds} seconds '
                f"({seconds / 3600:g} h), more than {limit}",
                (*spec_path, "volumes", i, "projected", "sources", j, "serviceAccountToken", "expirationSeconds"),
            )
