# aws-sso: completion and the aws-sso-profile / aws-sso-clear helpers.
# Written by "aws-sso setup completions --install"; the next install replaces it.
function aws-sso { & '/opt/deno' 'run' '-q' '-A' '/src/aws sso/main.ts' @args }

function __aws_sso_complete([string]$Line) {
    $saved = $env:COMP_LINE, $env:COMP_POINT
    try {
        $env:COMP_LINE = $Line
        $env:COMP_POINT = [string][System.Text.Encoding]::UTF8.GetByteCount($Line)
        & '/opt/deno' 'run' '-q' '-A' '/src/aws sso/main.ts' 2>$null | Where-Object { $_ -ne '' } | ForEach-Object {
            $text = $_
            if ($text -match '[\s''"`$;,(){}@&|<>#]') { $text = "'" + ($text -replace "'", "''") + "'" }
            [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
        }
    } finally {
        $env:COMP_LINE = $saved[0]
        $env:COMP_POINT = $saved[1]
    }
}

Register-ArgumentCompleter -Native -CommandName aws-sso -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $line = $commandAst.Extent.Text
    $point = $cursorPosition - $commandAst.Extent.StartOffset
    if ($point -lt $line.Length) { $line = $line.Substring(0, $point) }
    elseif ($point -gt $line.Length) { $line = $line.PadRight($point) }
    __aws_sso_complete $line
}

Register-ArgumentCompleter -CommandName aws-sso-profile -ParameterName Name -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    __aws_sso_complete "aws-sso-profile $wordToComplete"
}

Register-ArgumentCompleter -CommandName aws-sso-profile -ParameterName Sso -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    __aws_sso_complete "aws-sso-profile --sso $wordToComplete"
}

function __aws_sso_helper_args {
    if ($env:AWS_SSO_HELPER_ARGS) { -split $env:AWS_SSO_HELPER_ARGS } else { '-L', 'error' }
}

function aws-sso-profile {
    param([Parameter(Position = 0)][string]$Name, [Alias('S')][string]$Sso)
    if ($env:AWS_PROFILE) {
        Write-Error 'Unable to assume a role while AWS_PROFILE is set'
        return
    }
    if (-not $Name) {
        Write-Error 'Usage: aws-sso-profile [-Sso <sso-instance>] <profile>'
        return
    }
    $sso = if ($Sso) { '-S', $Sso } else { @() }
    $out = & '/opt/deno' 'run' '-q' '-A' '/src/aws sso/main.ts' @(__aws_sso_helper_args) @sso eval --format powershell -p $Name
    if ($LASTEXITCODE -ne 0) { return }
    $out | Invoke-Expression
    if ($env:AWS_SSO_PROFILE -ne $Name) { Write-Error "Unable to use the profile $Name" }
}

function aws-sso-clear {
    if (-not $env:AWS_SSO_PROFILE) {
        Write-Error 'AWS_SSO_PROFILE is not set'
        return
    }
    $out = & '/opt/deno' 'run' '-q' '-A' '/src/aws sso/main.ts' @(__aws_sso_helper_args) eval --format powershell --clear
    if ($LASTEXITCODE -ne 0) { return }
    $out | Invoke-Expression
}
