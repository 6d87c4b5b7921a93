# The mvkg API. Build context: the repository root.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml constraints.txt README.md ./
COPY graph ./graph
COPY ingest ./ingest
COPY nlp ./nlp
COPY api ./api
COPY viz ./viz
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 mvkg
USER mvkg
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
CMD ["mvkg", "serve"]
