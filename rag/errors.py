"""Library errors; the API and CLI translate them at the edge."""


class PolicyQAError(Exception):
    """Base class. `message_zh` is shown to users next to the English message."""

    message_zh = "内部错误"

    def __init__(self, message: str, message_zh: str | None = None):
        super().__init__(message)
        if message_zh is not None:
            self.message_zh = message_zh


class CorpusError(PolicyQAError):
    message_zh = "语料文件有误"


class IndexUnavailable(PolicyQAError):
    message_zh = "索引不可用"


class IndexMissing(IndexUnavailable):
    message_zh = "索引尚未构建，请运行 policyqa index"


class IndexStale(IndexUnavailable):
    message_zh = "索引已过期（语料或配置已变更），请运行 policyqa index 重建"


class IndexCorrupt(IndexUnavailable):
    message_zh = "索引文件损坏，请运行 policyqa index 重建"


class InvalidRequest(PolicyQAError):
    message_zh = "请求参数有误"


class UnknownRegion(InvalidRequest):
    message_zh = "已收录的文件不涉及该地区"


class NotFound(PolicyQAError):
    message_zh = "未找到"


class UnknownClause(NotFound):
    message_zh = "未找到该条款"


class UnknownDocument(NotFound):
    message_zh = "未找到该文件"


class ModelNotFound(PolicyQAError):
    message_zh = "未找到嵌入模型"


class ExtractError(CorpusError):
    message_zh = "无法读取文件"


class Unauthorized(PolicyQAError):
    message_zh = "需要管理令牌（Authorization: Bearer …）"


class Forbidden(PolicyQAError):
    message_zh = "管理令牌不正确"


class TooLarge(InvalidRequest):
    message_zh = "文件过大"
