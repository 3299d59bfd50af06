// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IClassFace} from "./interfaces/IClassFace.sol";
import {ICascadePool} from "./interfaces/ICascadePool.sol";

/// @title ClassToken
/// @notice The ERC-20 + ERC-2612 face of one yield class: non-rebasing, price = class NAV over
/// supply. Balances and supply live in CascadePool's ledger (one contract holds every class, so
/// a depositor's calls touch one proxy); this face keeps the allowances and permit nonces and
/// emits every `Transfer`/`Approval` of the class from its own address.
/// @dev Immutable (not a proxy): wallets and integrators see a plain token at a fixed address.
contract ClassToken is IERC20Metadata, IERC20Permit, IERC20Errors, IClassFace, EIP712, Nonces {
    error ERC2612ExpiredSignature(uint256 deadline);
    error ERC2612InvalidSigner(address signer, address owner);

    bytes32 private constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc IClassFace
    address public immutable POOL;
    /// @inheritdoc IClassFace
    uint256 public immutable CLASS_ID;

    string private _name;
    string private _symbol;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    constructor(
        string memory name_,
        string memory symbol_,
        address pool,
        uint256 classId
    ) EIP712(name_, "1") {
        _name = name_;
        _symbol = symbol_;
        POOL = pool;
        CLASS_ID = classId;
    }

    // ---------------------------------------------------------------- ERC-20

    function name() external view returns (string memory) {
        return _name;
    }

    function symbol() external view returns (string memory) {
        return _symbol;
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function totalSupply() external view returns (uint256) {
        return ICascadePool(POOL).totalSupply(CLASS_ID);
    }

    function balanceOf(address account) external view returns (uint256) {
        return ICascadePool(POOL).balanceOf(account, CLASS_ID);
    }

    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        _spendAllowance(from, msg.sender, value);
        _move(from, to, value);
        emit Transfer(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    // ---------------------------------------------------------------- ERC-2612

    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        require(block.timestamp <= deadline, ERC2612ExpiredSignature(deadline));
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline)
        );
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        require(signer == owner, ERC2612InvalidSigner(signer, owner));
        _approve(owner, spender, value);
    }

    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- pool

    /// @inheritdoc IClassFace
    function emitTransfer(address spender, address from, address to, uint256 amount) external {
        require(msg.sender == POOL, NotPool(msg.sender));
        if (spender != address(0) && spender != from) _spendAllowance(from, spender, amount);
        emit Transfer(from, to, amount);
    }

    /// @inheritdoc IClassFace
    function emitMint(address to, uint256 amount) external {
        require(msg.sender == POOL, NotPool(msg.sender));
        emit Transfer(address(0), to, amount);
    }

    // ---------------------------------------------------------------- price views

    /// @notice The class NAV in wei.
    function nav() external view returns (uint256) {
        return ICascadePool(POOL).navOf(CLASS_ID);
    }

    /// @notice Wei per 1e18 shares, rounded down.
    function price() external view returns (uint256) {
        return ICascadePool(POOL).convertToAssets(CLASS_ID, 1 ether);
    }

    /// @notice Wei that `shares` are worth now, rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return ICascadePool(POOL).convertToAssets(CLASS_ID, shares);
    }

    /// @notice Shares that `assets` buy now, rounded down.
    function convertToShares(uint256 assets) external view returns (uint256) {
        return ICascadePool(POOL).convertToShares(CLASS_ID, assets);
    }

    // ---------------------------------------------------------------- internal

    /// @dev `ICascadePool(POOL).faceTransfer(CLASS_ID, from, to, value)`: the pool checks the
    /// balance and the receiver (ERC-20 errors, bubbled up as they are) and moves the shares.
    /// Called directly, not through Solidity's high-level call: that one first asks EXTCODESIZE
    /// of the pool (its cold access, 2,600) and then CALLs it warm (100); the CALL alone pays the
    /// cold access once. POOL is the immutable pool proxy, so it always has code.
    function _move(address from, address to, uint256 value) private {
        address pool = POOL;
        uint256 classId = CLASS_ID;
        bytes4 selector = ICascadePool.faceTransfer.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), classId)
            mstore(add(m, 0x24), from)
            mstore(add(m, 0x44), to)
            mstore(add(m, 0x64), value)
            if iszero(call(gas(), pool, 0, m, 0x84, 0, 0)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
        }
    }

    function _approve(address owner, address spender, uint256 value) private {
        require(spender != address(0), ERC20InvalidSpender(address(0)));
        _allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }

    /// @dev An infinite allowance is never spent (OZ ERC-20 behaviour, no Approval event).
    function _spendAllowance(address owner, address spender, uint256 value) private {
        uint256 current = _allowances[owner][spender];
        if (current == type(uint256).max) return;
        require(current >= value, ERC20InsufficientAllowance(spender, current, value));
        unchecked {
            _allowances[owner][spender] = current - value;
        }
    }
}
